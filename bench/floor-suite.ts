// Issue 22's rows of `npm run bench`, in their own processes: the floor comparison (bench/floor.ts),
// 1,000 concurrent SSE streams (bench/sse.ts), a memory cache hit against the bare pass-through, and
// the proxy's RSS growth over 100k requests after warm-up.
import { CACHE_OPT_IN } from './cache-hit.ts';
import { fmt, measureFloor, rssMb, spread, wideRun } from './floor.ts';
import type { Target } from './measure.ts';
import { startTsProcess, type Participant } from './processes.ts';
import { BENCH_BODY, startProxy } from './proxy-process.ts';
import { measureStreams } from './sse.ts';

export async function measureFloorSuite(): Promise<void> {
  const children: Participant[] = [];
  try {
    const rounds = Number(process.env.BENCH_FLOOR_ROUNDS ?? 5);
    const requests = Number(process.env.BENCH_FLOOR_REQUESTS ?? 20_000);
    const latencyRequests = Number(process.env.BENCH_LATENCY_REQUESTS ?? 2000);
    const args = (process.env.BENCH_PROXY_ARGS ?? '').split(' ').filter(Boolean);
    const nodeArgs = (process.env.BENCH_PROXY_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const upstream = await startTsProcess('bench/upstream.ts');
    children.push(upstream);
    const bareProcess = await startTsProcess('bench/passthrough.ts', [upstream.url]);
    children.push(bareProcess);
    const direct: Target = { name: 'mock upstream', url: upstream.url, headers: {}, body: BENCH_BODY };
    const bare: Target = { name: 'bare pass-through', url: bareProcess.url, pid: bareProcess.child.pid, headers: {}, body: BENCH_BODY };
    const proxy = await startProxy(upstream.url, children, { name: 'proxy (full path)', args, nodeArgs });

    if (process.env.BENCH_FLOOR_ONLY !== 'streams') {
      console.log('\nFloor: full path against a bare undici pass-through (64 connections, and 1 connection for p50)');
      await measureFloor(direct, bare, proxy, { rounds, requests, latencyRequests });
    }
    if (process.env.BENCH_FLOOR_ONLY === 'floor') return;

    console.log('\n1,000 concurrent SSE streams (20 events 50 ms apart; TTFB added to the mock upstream)');
    const sseUpstream = await startTsProcess('bench/sse-upstream.ts');
    children.push(sseUpstream);
    const sseBare = await startTsProcess('bench/passthrough.ts', [sseUpstream.url]);
    children.push(sseBare);
    const sseProxy = await startProxy(sseUpstream.url, children, { name: 'proxy, streams', args });
    await measureStreams(
      { name: 'sse upstream', url: sseUpstream.url, headers: {}, body: BENCH_BODY },
      { name: 'bare, streams', url: sseBare.url, pid: sseBare.child.pid, headers: {}, body: BENCH_BODY },
      sseProxy,
    );
    if (process.env.BENCH_FLOOR_ONLY === 'streams') return;

    console.log('\nMemory cache hit against the bare pass-through (64 connections)');
    const hit = await startProxy(upstream.url, children, { name: 'proxy, cache hit', headers: CACHE_OPT_IN, args });
    for (const expected of ['MISS', 'HIT']) {
      const res = await fetch(`${hit.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...hit.headers },
        body: hit.body,
      });
      await res.arrayBuffer();
      if (res.headers.get('x-proxy-cache') !== expected) throw new Error(`cache hit: expected ${expected}, got ${res.headers.get('x-proxy-cache')}`);
    }
    await wideRun(hit, 5000);
    const hitRatios: number[] = [];
    for (let round = 0; round < Math.max(3, Math.ceil(rounds / 2)); round++) {
      const b = await wideRun(bare, requests);
      const h = await wideRun(hit, requests);
      hitRatios.push(h.rps / b.rps);
    }
    console.log(`  cache hit / bare req/s: ${spread(hitRatios)} (median (min–max))   target ≥ 1.5`);

    console.log('\nRSS growth over 100k requests after warm-up (full path, 64 connections)');
    await wideRun(proxy, 20_000);
    const before = rssMb(proxy.pid);
    await wideRun(proxy, Number(process.env.BENCH_RSS_REQUESTS ?? 100_000));
    const after = rssMb(proxy.pid);
    if (before !== null && after !== null) {
      console.log(`  RSS ${fmt(before)} MB → ${fmt(after)} MB: ${fmt(((after - before) / before) * 100, 1)} %   target ≤ 10 %`);
    }
  } finally {
    for (const { child } of children) child.kill('SIGTERM');
  }
}
