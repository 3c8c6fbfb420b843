// One server, one port: `/v1/*` goes straight to the proxy handler (no framework on the hot path);
// `/manage`, health checks and `/admin` go through fastify. Before either: the Host check, then the
// request target must be canonical (./request-target.ts), so routing and every check read one string.
// Who may call a fastify route is declared by the route (./doors.ts). Build, then listen:
// createHttpServer returns an unstarted server so tests bind it to 127.0.0.1:0.
import http from 'node:http';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { AppError, toErrorBody, type ErrorCode } from '../errors.ts';
import { newId, validRequestId } from '../ids.ts';
import { PROXY_ROUTE, guardDoors, recordRoutes, type RouteEntry } from './doors.ts';
import type { ManagementCaller } from './management-auth.ts';
import type { Dispatch } from '../api/dispatch.ts';
import { registerManageRoutes } from './manage-routes.ts';
import { refuseNonCanonicalTarget } from './request-target.ts';
import { createHttpsServer, type ServedCertificates } from './tls/https-server.ts';

export interface HttpServerDeps {
  hostAllowed: (req: http.IncomingMessage) => boolean;
  proxy: (req: http.IncomingMessage, res: http.ServerResponse) => void;
  /** The one door of every management call (../api/dispatch.ts). */
  dispatch: Dispatch;
  /** The management door's sign-in: the caller, or throws `unauthorized`. */
  authenticateManagement: (req: FastifyRequest) => Promise<ManagementCaller>;
  health: { version: string; ready: () => Promise<{ ok: boolean; checks: Record<string, string>; details?: Record<string, unknown> }> };
  /** Serve HTTPS with these certificates (reloaded on change) instead of plain HTTP. */
  tls?: ServedCertificates;
  /** Extra routes (the /admin screens) registered by their own modules. */
  extraRoutes?: (app: FastifyInstance) => void;
  log: Logger;
}

const MANAGE_BODY_LIMIT = 1024 * 1024;

/** fastify's own error codes → ours, so every answer carries one of our stable codes. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'validation_failed',
  FST_ERR_CTP_INVALID_TYPE: 'unsupported_media_type',
};

export interface ProxyHttpServer {
  app: FastifyInstance;
  /** Every route this server answers, with the door it declared (the route-table test walks it). */
  routes: readonly RouteEntry[];
  /**
   * Stops accepting connections, lets in-flight requests finish for up to `graceMs`, then closes
   * every remaining connection (idle keep-alives, and sockets that never sent a request).
   */
  close(graceMs: number): Promise<void>;
}

export function createHttpServer(deps: HttpServerDeps): ProxyHttpServer {
  const inFlight = new InFlight();
  const refuse = (res: http.ServerResponse, status: number, body: { error: string; code: string }) => {
    res.writeHead(status, { 'content-type': 'application/json', 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };
  const routes: RouteEntry[] = [PROXY_ROUTE];

  const app = Fastify({
    bodyLimit: MANAGE_BODY_LIMIT,
    logger: false,
    genReqId: (req) => validRequestId(req.headers['x-request-id']) ?? newId(),
    return503OnClosing: true,
    serverFactory: (handler) => {
      const options = { keepAliveTimeout: 65_000, requestTimeout: 0, headersTimeout: 30_000 };
      const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
        inFlight.track(res);
        if (!deps.hostAllowed(req)) return refuse(res, 421, { error: 'This server does not answer to that Host name', code: 'forbidden_host' });
        const url = req.url ?? '';
        const bad = refuseNonCanonicalTarget(url);
        if (bad) return refuse(res, 400, { error: bad.message, code: bad.code });
        if (url.startsWith('/v1/') || url === '/v1' || url.startsWith('/v1?')) return deps.proxy(req, res);
        handler(req, res);
      };
      // https.Server has every http.Server method fastify and close() use (listen, close*Connections).
      return deps.tls ? (createHttpsServer(options, deps.tls, onRequest, deps.log) as unknown as http.Server) : http.createServer(options, onRequest);
    },
  });

  recordRoutes(app, routes);
  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', String(req.id));
    reply.header('x-content-type-options', 'nosniff');
  });
  guardDoors(app, { authenticate: deps.authenticateManagement });

  app.setErrorHandler((err, req, reply) => {
    const fastifyCode = (err as { code?: string }).code;
    const mapped = fastifyCode ? FASTIFY_CODES[fastifyCode] : undefined;
    const appError = mapped ? new AppError(mapped, describeFastifyError(mapped)) : err;
    const { status, body } = toErrorBody(appError);
    if (status >= 500)
      deps.log.error({ err: { name: (err as Error).name, code: fastifyCode }, requestId: req.id, url: req.routeOptions.url }, 'management call failed');
    reply.code(status).type('application/json').send(body);
  });

  app.setNotFoundHandler((req, reply) => {
    const { status, body } = toErrorBody(new AppError('not_found', `No route for ${req.method} ${req.url.split('?')[0]!.slice(0, 200)}`));
    reply.code(status).type('application/json').send(body);
  });

  const open = { config: { door: 'public' as const } };
  app.get('/health', open, async () => ({ status: 'ok', version: deps.health.version, timestamp: new Date().toISOString() }));
  app.get('/live', open, async () => ({ status: 'ok' }));
  app.get('/ready', open, async (_req, reply) => {
    const result = await deps.health.ready();
    reply.code(result.ok ? 200 : 503);
    return { status: result.ok ? 'ready' : 'not_ready', checks: result.checks, ...(result.details ? { details: result.details } : {}) };
  });

  registerManageRoutes(app, deps.dispatch);
  deps.extraRoutes?.(app);
  return {
    app,
    routes,
    async close(graceMs) {
      const stopped = app.close();
      app.server.closeIdleConnections();
      await inFlight.drained(graceMs);
      app.server.closeAllConnections();
      await stopped;
    },
  };
}

/** Counts requests still being answered, so shutdown can wait for them and no longer. */
class InFlight {
  private count = 0;
  private waiters: (() => void)[] = [];

  track(res: http.ServerResponse): void {
    this.count++;
    res.once('close', () => {
      this.count--;
      if (this.count === 0) for (const wake of this.waiters.splice(0)) wake();
    });
  }

  drained(timeoutMs: number): Promise<void> {
    if (this.count === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      timer.unref();
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

function describeFastifyError(code: ErrorCode): string {
  switch (code) {
    case 'invalid_json':
      return 'The request body is not valid JSON';
    case 'payload_too_large':
      return `The request body is larger than ${MANAGE_BODY_LIMIT} bytes`;
    case 'unsupported_media_type':
      return 'Send the request body as application/json';
    default:
      return 'The request is malformed';
  }
}
