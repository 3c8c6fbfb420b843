// Who may call a route is decided by the route that answers, never by a string prefix: every fastify
// route declares its door in `config.door`, the guard below runs after routing (so it sees exactly the
// route that will answer) and refuses a route that declares none. `/v1/*` never reaches fastify; it is
// listed here as the proxy door so the route table is complete.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';
import type { ManagementCaller } from './management-auth.ts';
import { refuseCrossSite } from './request-guards.ts';

/**
 * - `public`: health checks and the admin screens' static files; nothing secret, nothing that changes.
 * - `management`: the management token or a named admin's; never cross-site.
 * - `proxy`: a proxy token, checked by the proxy pipeline itself (`/v1/*`).
 */
export type Door = 'public' | 'management' | 'proxy';

declare module 'fastify' {
  interface FastifyContextConfig {
    door?: Door;
  }
  interface FastifyRequest {
    /** Who called, set by the management door. */
    caller?: ManagementCaller;
  }
}

export interface RouteEntry {
  method: string;
  url: string;
  door: Door | null;
}

/** The routes that never pass through fastify. */
export const PROXY_ROUTE: RouteEntry = { method: '*', url: '/v1/*', door: 'proxy' };

/** Records every route fastify registers (with the door it declared) into `table`. */
export function recordRoutes(app: FastifyInstance, table: RouteEntry[]): void {
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) table.push({ method, url: route.url ?? route.path, door: route.config?.door ?? null });
  });
}

export interface DoorGuardDeps {
  /** Resolves the management caller from the request or throws `unauthorized`. */
  authenticate: (req: FastifyRequest) => Promise<ManagementCaller>;
}

/** The one check every fastify route passes before its handler. */
export function guardDoors(app: FastifyInstance, deps: DoorGuardDeps): void {
  app.addHook('onRequest', async (req, reply) => {
    // The not-found handler answers 404 and nothing else.
    if (req.is404) return;
    const door = req.routeOptions.config.door;
    switch (door) {
      case 'public':
        return;
      case 'management':
        // nosniff is on every fastify answer already (server.ts); management answers are never cached.
        reply.header('cache-control', 'no-store');
        refuseCrossSite(req.raw);
        req.caller = await deps.authenticate(req);
        return;
      default:
        // Deny by default: a route that declares no door (or the proxy door, which fastify never serves) is closed.
        throw new AppError('route_closed', 'This route is not open to any caller');
    }
  });
}
