// `GET /metrics` for Prometheus on the proxy's own port: behind the management door (scrape config
// `authorization: { credentials: <token> }`) unless metricsPublic is on.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ProxyMetrics } from './proxy-metrics.ts';

export function registerMetricsRoute(app: FastifyInstance, deps: { metrics: ProxyMetrics; public: boolean; allow?: (req: FastifyRequest) => void }): void {
  app.get('/metrics', { config: { door: deps.public ? 'public' : 'management' } }, async (req, reply) => {
    // Behind the management door, the caller's role decides too (every project's traffic is in here).
    if (!deps.public) deps.allow?.(req);
    const { contentType, body } = await deps.metrics.render();
    reply.header('cache-control', 'no-store').type(contentType);
    return body;
  });
}
