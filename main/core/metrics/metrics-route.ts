// `GET /metrics` for Prometheus on the proxy's own port: behind the management token (scrape config
// `authorization: { credentials: <token> }`) unless metricsPublic is on.
import type { FastifyInstance } from 'fastify';
import { requireManagementToken } from '../http/request-guards.ts';
import type { ProxyMetrics } from './proxy-metrics.ts';

export function registerMetricsRoute(app: FastifyInstance, deps: { metrics: ProxyMetrics; managementToken: string; public: boolean }): void {
  app.get('/metrics', async (req, reply) => {
    if (!deps.public) requireManagementToken(req.raw, deps.managementToken);
    const { contentType, body } = await deps.metrics.render();
    reply.header('cache-control', 'no-store').type(contentType);
    return body;
  });
}
