// `GET /metrics` for Prometheus on the proxy's own port: behind the management door (scrape config
// `authorization: { credentials: <token> }`) unless metricsPublic is on.
import type { FastifyInstance } from 'fastify';
import type { ProxyMetrics } from './proxy-metrics.ts';

export function registerMetricsRoute(app: FastifyInstance, deps: { metrics: ProxyMetrics; public: boolean }): void {
  app.get('/metrics', { config: { door: deps.public ? 'public' : 'management' } }, async (_req, reply) => {
    const { contentType, body } = await deps.metrics.render();
    reply.header('cache-control', 'no-store').type(contentType);
    return body;
  });
}
