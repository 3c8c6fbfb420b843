// The REST spelling of the contract methods that have one (the `/manage` API compatible with sofatutor's
// LLM Proxy, plus a few newer ones): one table, read by the server to register its routes
// (../http/manage-routes.ts) and by the CLI to build its requests (main/cli/client.ts). Every method —
// with or without a row here — is also answered at `POST /manage/rpc/<method>`. Browser-safe: data only.
import type { AdminMethod } from './contract.ts';

export interface RestRoute {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** fastify syntax: `:name` segments are path parameters. */
  path: string;
  /** Path parameter → input field, where they differ (default: the same name). */
  params?: Record<string, string>;
  /** GET/DELETE: the other input fields travel in the query string (else the route takes no query). */
  query?: boolean;
  /** Query names accepted for compatibility → the input field they mean. */
  queryAliases?: Record<string, string>;
  status?: 200 | 201 | 204;
}

const KEY_PARAMS = { id: 'project_id', keyId: 'id' };

export const restRoutes = {
  'projects.list': { method: 'GET', path: '/manage/projects' },
  'projects.create': { method: 'POST', path: '/manage/projects', status: 201 },
  'projects.get': { method: 'GET', path: '/manage/projects/:id' },
  'projects.update': { method: 'PATCH', path: '/manage/projects/:id' },
  'projects.revokeTokens': { method: 'POST', path: '/manage/projects/:id/tokens/revoke' },
  'keys.list': { method: 'GET', path: '/manage/projects/:id/keys', params: { id: 'project_id' } },
  'keys.add': { method: 'POST', path: '/manage/projects/:id/keys', params: { id: 'project_id' }, status: 201 },
  'keys.update': { method: 'PATCH', path: '/manage/projects/:id/keys/:keyId', params: KEY_PARAMS },
  'keys.remove': { method: 'DELETE', path: '/manage/projects/:id/keys/:keyId', params: KEY_PARAMS, status: 204 },
  'tokens.list': { method: 'GET', path: '/manage/tokens', query: true, queryAliases: { projectId: 'project_id', activeOnly: 'active_only' } },
  'tokens.create': { method: 'POST', path: '/manage/tokens', status: 201 },
  'tokens.get': { method: 'GET', path: '/manage/tokens/:id' },
  'tokens.update': { method: 'PATCH', path: '/manage/tokens/:id' },
  'tokens.revoke': { method: 'DELETE', path: '/manage/tokens/:id', status: 204 },
  'audit.list': { method: 'GET', path: '/manage/audit', query: true },
  'audit.get': { method: 'GET', path: '/manage/audit/:id' },
  'cache.purge': { method: 'POST', path: '/manage/cache/purge' },
  'cache.stats': { method: 'GET', path: '/manage/cache/stats' },
  'settings.get': { method: 'GET', path: '/manage/settings' },
  'settings.update': { method: 'PATCH', path: '/manage/settings' },
  'requests.list': { method: 'GET', path: '/manage/requests', query: true },
  'admins.list': { method: 'GET', path: '/manage/admins' },
  'admins.create': { method: 'POST', path: '/manage/admins', status: 201 },
  'admins.me': { method: 'GET', path: '/manage/admins/me' },
  'admins.rotateToken': { method: 'POST', path: '/manage/admins/me/token' },
  'admins.update': { method: 'PATCH', path: '/manage/admins/:id' },
  'admins.remove': { method: 'DELETE', path: '/manage/admins/:id', status: 204 },
} as const satisfies Partial<Record<AdminMethod, RestRoute>>;

export type RestMethod = keyof typeof restRoutes;
/** Methods whose REST answer is 204 with no body (their rpc answer still carries the value). */
export type EmptyRestMethod = { [M in RestMethod]: (typeof restRoutes)[M] extends { status: 204 } ? M : never }[RestMethod];

export function restRouteOf(method: AdminMethod): RestRoute | undefined {
  return (restRoutes as Partial<Record<AdminMethod, RestRoute>>)[method];
}

/** The input field a path parameter carries. */
export function fieldOf(route: RestRoute, param: string): string {
  return route.params?.[param] ?? param;
}

/** `:name` parameters of a path, in order. */
export function pathParams(route: RestRoute): string[] {
  return [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
}
