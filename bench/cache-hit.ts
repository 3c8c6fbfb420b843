// The cache-hit scenario of `npm run bench`: the same opted-in chat request again and again, answered
// from the response cache (memory store), against the bare pass-through's path to the mock upstream.
import { latencyOneConnection, throughput, type Latency, type Target } from './measure.ts';

/** Asks the proxy to cache the answer (the Go proxy's opt-in). */
export const CACHE_OPT_IN = { 'cache-control': 'public, max-age=3600' };

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

export async function measureCacheHit(
  target: Target,
  opts: { seconds: number; latencyRequests: number; passthrough: Latency; fullPath: Latency },
): Promise<void> {
  // The first answer is stored; from the second on every request must be a hit, or the figures lie.
  for (const expected of ['MISS', 'HIT']) {
    const res = await fetch(`${target.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...target.headers },
      body: target.body,
    });
    await res.arrayBuffer();
    const got = res.headers.get('x-proxy-cache');
    if (got !== expected) throw new Error(`cache-hit scenario: expected ${expected}, got ${got} (${res.status})`);
  }
  await throughput(target, 64, 2); // warm-up
  const wide = await throughput(target, 64, opts.seconds);
  if (wide.errors || wide.non2xx) throw new Error(`${target.name}: ${wide.errors} errors, ${wide.non2xx} non-2xx`);
  const narrow = await latencyOneConnection(target, opts.latencyRequests);
  console.log(`  ${target.name.padEnd(26)} ${fmt(wide.rps).padStart(8)} req/s   p50 ${fmt(narrow.p50, 3)} ms   p99 ${fmt(narrow.p99, 3)} ms at 1 connection`);
  console.log(`  hit p50 − pass-through p50 (its miss path to the upstream): ${fmt(narrow.p50 - opts.passthrough.p50, 3)} ms added   (target ≤ 0.2 ms)`);
  console.log(`  hit p50 − full path p50 (a miss through the proxy): ${fmt(narrow.p50 - opts.fullPath.p50, 3)} ms`);
}
