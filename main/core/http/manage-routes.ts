// The `/manage` REST API (compatible with sofatutor's LLM Proxy) as thin adapters over the one door
// (`dispatch`, ../api/dispatch.ts), registered from the table in ../api/rest-routes.ts, plus
// `POST /manage/rpc/<method>` that the browser screens use for every contract method.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AdminMethod } from '../api/contract.ts';
import type { Dispatch } from '../api/dispatch.ts';
import type { CallContext } from '../api/handler-types.ts';
import { fieldOf, pathParams, restRoutes, type RestRoute } from '../api/rest-routes.ts';
import { AppError } from '../errors.ts';

const params = (req: FastifyRequest) => req.params as Record<string, string>;

/** The call's input from the request, as the route's table row says: body or query, with path parameters laid over it. */
function inputOf(route: RestRoute, req: FastifyRequest): Record<string, unknown> {
  const fromPath = Object.fromEntries(pathParams(route).map((p) => [fieldOf(route, p), params(req)[p]]));
  if (route.method === 'POST' || route.method === 'PATCH') {
    const body = req.body;
    if (body !== undefined && (body === null || typeof body !== 'object' || Array.isArray(body))) {
      throw new AppError('validation_failed', 'Invalid input: the body must be a JSON object');
    }
    return { ...(body as object | undefined), ...fromPath };
  }
  if (!route.query) return fromPath;
  const query: Record<string, unknown> = { ...(req.query as Record<string, unknown>) };
  for (const [alias, field] of Object.entries(route.queryAliases ?? {})) {
    if (query[alias] !== undefined && query[field] === undefined) query[field] = query[alias];
    delete query[alias];
  }
  return { ...query, ...fromPath };
}

/** The signed-in caller (set by the management door); a route that somehow has none may do nothing. */
export function contextOf(req: FastifyRequest): CallContext {
  const caller = req.caller;
  if (!caller) throw new AppError('unauthorized', 'A valid management token is required');
  return {
    actor: caller.actor,
    role: caller.role,
    projectIds: caller.projectIds,
    adminId: caller.adminId,
    requestId: String(req.id),
    clientIp: req.ip ?? null,
  };
}

const managed = { door: 'management' as const };

export function registerManageRoutes(app: FastifyInstance, dispatch: Dispatch): void {
  for (const [call, route] of Object.entries(restRoutes) as [AdminMethod, RestRoute][]) {
    app.route({
      method: route.method,
      url: route.path,
      config: managed,
      handler: async (req: FastifyRequest, reply: FastifyReply) => {
        const value = await dispatch(call, inputOf(route, req), contextOf(req));
        reply.code(route.status ?? 200);
        if (route.status === 204) return reply.send();
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
