// The undici Agent the proxy forwards through: one keep-alive pool per upstream origin. It is created
// by the composition root, passed to `forward` in each plan and closed on shutdown; the proxy never
// touches undici's global dispatcher, so tests and other modules keep their own.
import { Agent } from 'undici';

export interface UpstreamAgentOptions {
  /** Most open connections per upstream origin; further requests queue. 0 or unset: no limit. */
  connectionsPerOrigin?: number;
  /** How long an idle pooled connection is kept. Default 10 s. */
  keepAliveTimeoutMs?: number;
  /** Time allowed for TCP + TLS connect. Default 10 s. */
  connectTimeoutMs?: number;
}

export function createUpstreamAgent(options: UpstreamAgentOptions = {}): Agent {
  return new Agent({
    // Each stream holds its connection for its whole length, so a bounded pool queues the next stream
    // behind a whole answer (TTFB in seconds with hundreds of agents streaming). Unbounded by default:
    // the proxy opens at most one upstream connection per request in flight, and idle ones are reused.
    connections: options.connectionsPerOrigin ? options.connectionsPerOrigin : null,
    // Short enough to drop a pooled socket before providers' load balancers silently close it (a
    // POST on such a socket fails with ECONNRESET and undici does not retry non-idempotent requests);
    // a server's own `Keep-Alive: timeout=` hint still wins, less a 1 s margin.
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 10_000,
    keepAliveMaxTimeout: 60_000,
    keepAliveTimeoutThreshold: 1_000,
    // One request at a time per connection: a slow completion must not hold up the ones behind it.
    pipelining: 1,
    connectTimeout: options.connectTimeoutMs ?? 10_000,
    // Every plan sets its own headers and idle timeouts; these defaults only back up a caller that forgets.
    headersTimeout: 120_000,
    bodyTimeout: 300_000,
  });
}
