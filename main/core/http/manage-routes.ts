// The `/manage` REST API (compatible with sofatutor's LLM Proxy) as thin adapters over the one door
// (`dispatch`, ../api/dispatch.ts), plus `POST /manage/rpc/<method>` that the browser screens and the CLI
// use for every contract method.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AdminMethod } from '../api/contract.ts';
import type { Dispatch } from '../api/dispatch.ts';
import type { CallContext } from '../api/handler-types.ts';
import { AppError } from '../errors.ts';

interface Route {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  url: string;
  call: AdminMethod;
  input: (req: FastifyRequest) => unknown;
  status?: number;
  /** Answer with no body (DELETE's 204). */
  empty?: boolean;
}

const params = (req: FastifyRequest) => req.params as Record<string, string>;
const query = (req: FastifyRequest) => ({ ...(req.query as Record<string, unknown>) });
/** The JSON object body with fields from the path laid over it (the path wins). */
const bodyWith = (req: FastifyRequest, fromPath: Record<string, string | undefined>) => {
  const body = req.body;
  if (body !== undefined && (body === null || typeof body !== 'object' || Array.isArray(body))) {
    throw new AppError('validation_failed', 'Invalid input: the body must be a JSON object');
  }
  return { ...(body as object | undefined), ...fromPath };
};
const bodyWithId = (req: FastifyRequest) => bodyWith(req, { id: params(req).id });
/** `/manage/projects/:id/keys/:keyId`: the project is `project_id`, the key is `id`. */
const keyPath = (req: FastifyRequest) => ({ project_id: params(req).id, id: params(req).keyId });
const renameQuery = (raw: Record<string, unknown>, from: string, to: string) => {
  if (raw[from] !== undefined && raw[to] === undefined) raw[to] = raw[from];
  delete raw[from];
  return raw;
};

const routes: Route[] = [
  { method: 'GET', url: '/manage/projects', call: 'projects.list', input: () => ({}) },
  { method: 'POST', url: '/manage/projects', call: 'projects.create', input: (req) => req.body, status: 201 },
  { method: 'GET', url: '/manage/projects/:id', call: 'projects.get', input: (req) => ({ id: params(req).id }) },
  { method: 'PATCH', url: '/manage/projects/:id', call: 'projects.update', input: bodyWithId },
  { method: 'GET', url: '/manage/projects/:id/keys', call: 'keys.list', input: (req) => ({ project_id: params(req).id }) },
  { method: 'POST', url: '/manage/projects/:id/keys', call: 'keys.add', input: (req) => bodyWith(req, { project_id: params(req).id }), status: 201 },
  { method: 'PATCH', url: '/manage/projects/:id/keys/:keyId', call: 'keys.update', input: (req) => bodyWith(req, keyPath(req)) },
  { method: 'DELETE', url: '/manage/projects/:id/keys/:keyId', call: 'keys.remove', input: keyPath, status: 204, empty: true },
  { method: 'POST', url: '/manage/projects/:id/tokens/revoke', call: 'projects.revokeTokens', input: (req) => ({ id: params(req).id }) },
  { method: 'GET', url: '/manage/tokens', call: 'tokens.list', input: (req) => renameQuery(renameQuery(query(req), 'projectId', 'project_id'), 'activeOnly', 'active_only') },
  { method: 'POST', url: '/manage/tokens', call: 'tokens.create', input: (req) => req.body, status: 201 },
  { method: 'GET', url: '/manage/tokens/:id', call: 'tokens.get', input: (req) => ({ id: params(req).id }) },
  { method: 'PATCH', url: '/manage/tokens/:id', call: 'tokens.update', input: bodyWithId },
  { method: 'DELETE', url: '/manage/tokens/:id', call: 'tokens.revoke', input: (req) => ({ id: params(req).id }), status: 204, empty: true },
  { method: 'GET', url: '/manage/audit', call: 'audit.list', input: query },
  { method: 'GET', url: '/manage/audit/:id', call: 'audit.get', input: (req) => ({ id: params(req).id }) },
  { method: 'POST', url: '/manage/cache/purge', call: 'cache.purge', input: (req) => req.body ?? {} },
  { method: 'GET', url: '/manage/cache/stats', call: 'cache.stats', input: () => ({}) },
  { method: 'GET', url: '/manage/settings', call: 'settings.get', input: () => ({}) },
  { method: 'PATCH', url: '/manage/settings', call: 'settings.update', input: (req) => req.body ?? {} },
  { method: 'GET', url: '/manage/requests', call: 'requests.list', input: query },
  { method: 'GET', url: '/manage/admins', call: 'admins.list', input: () => ({}) },
  { method: 'POST', url: '/manage/admins', call: 'admins.create', input: (req) => req.body, status: 201 },
  { method: 'GET', url: '/manage/admins/me', call: 'admins.me', input: () => ({}) },
  { method: 'POST', url: '/manage/admins/me/token', call: 'admins.rotateToken', input: () => ({}) },
  { method: 'PATCH', url: '/manage/admins/:id', call: 'admins.update', input: bodyWithId },
  { method: 'DELETE', url: '/manage/admins/:id', call: 'admins.remove', input: (req) => ({ id: params(req).id }), status: 204, empty: true },
];

/** The signed-in caller (set by the management door); a route that somehow has none may do nothing. */
export function contextOf(req: FastifyRequest): CallContext {
  const caller = req.caller;
  if (!caller) throw new AppError('unauthorized', 'A valid management token is required');
  return { actor: caller.actor, role: caller.role, projectIds: caller.projectIds, adminId: caller.adminId, requestId: String(req.id), clientIp: req.ip ?? null };
}

const managed = { door: 'management' as const };

export function registerManageRoutes(app: FastifyInstance, dispatch: Dispatch): void {
  for (const route of routes) {
    app.route({
      method: route.method,
      url: route.url,
      config: managed,
      handler: async (req: FastifyRequest, reply: FastifyReply) => {
        const value = await dispatch(route.call, route.input(req), contextOf(req));
        reply.code(route.status ?? 200);
        if (route.empty) return reply.send();
        return value;
      },
    });
  }

  // No destructive deletes: projects are deactivated, never removed.
  app.delete('/manage/projects/:id', { config: managed }, async (_req, reply) => {
    reply.header('allow', 'GET, PATCH');
    throw new AppError('method_not_allowed', 'Projects cannot be deleted; deactivate them with PATCH {"is_active": false}');
  });

  app.post('/manage/rpc/:method', { config: managed }, async (req) => ({ value: await dispatch(params(req).method ?? '', req.body ?? {}, contextOf(req)) }));
}
