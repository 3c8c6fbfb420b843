// 1,000 concurrent SSE streams (20 events 50 ms apart) through the bare pass-through and the proxy:
// the time to each stream's first byte (TTFB) added to the mock upstream's, and the proxy's RSS at
// the peak. A pool that queues streams behind each other shows here as TTFB in seconds.
import { Agent } from 'undici';
import { rssMb, fmt } from './floor.ts';
import type { Target } from './measure.ts';

const STREAM_BODY = JSON.stringify({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'Say ok.' }] });

export interface StreamRun {
  ttfbP50: number;
  ttfbP99: number;
  peakRssMb: number | null;
}

export async function streams(target: Target, count: number): Promise<StreamRun> {
  const agent = new Agent({ connections: null, pipelining: 1, keepAliveTimeout: 60_000 });
  const ttfb: number[] = [];
  let peak = rssMb(target.pid);
  const sampler = setInterval(() => {
    const now = rssMb(target.pid);
    if (now !== null && (peak === null || now > peak)) peak = now;
  }, 50);
  try {
    await Promise.all(
      Array.from({ length: count }, async (_, i) => {
        // Opened 50 at a time, 5 ms apart (all 1,000 within 0.1 s, far less than a stream lasts), so a
        // listen backlog of 511 is not overrun by the bench itself.
        await new Promise((resolve) => setTimeout(resolve, Math.floor(i / 50) * 5));
        const started = performance.now();
        const res = await agent.request({
          origin: target.url,
          path: '/v1/chat/completions',
          method: 'POST',
          headers: { 'content-type': 'application/json', ...target.headers },
          body: STREAM_BODY,
        });
        if (res.statusCode !== 200) throw new Error(`${target.name}: stream answered ${res.statusCode}`);
        let first = true;
        for await (const _ of res.body) {
          if (first) ttfb.push(performance.now() - started);
          first = false;
        }
      }),
    );
  } finally {
    clearInterval(sampler);
    await agent.close();
  }
  ttfb.sort((a, b) => a - b);
  return { ttfbP50: ttfb[Math.floor(ttfb.length / 2)]!, ttfbP99: ttfb[Math.floor(ttfb.length * 0.99)]!, peakRssMb: peak };
}

export async function measureStreams(direct: Target, bare: Target, proxy: Target, count = 1000, rounds = 2): Promise<void> {
  await streams(bare, 100);
  await streams(proxy, 100);
  for (let round = 0; round < rounds; round++) {
    const d = await streams(direct, count);
    const b = await streams(bare, count);
    const p = await streams(proxy, count);
    console.log(
      `  round ${round + 1}: TTFB p50 upstream ${fmt(d.ttfbP50, 1)} ms, bare +${fmt(b.ttfbP50 - d.ttfbP50, 1)} ms, proxy +${fmt(p.ttfbP50 - d.ttfbP50, 1)} ms` +
        ` (p99 bare ${fmt(b.ttfbP99, 1)}, proxy ${fmt(p.ttfbP99, 1)} ms)   proxy RSS peak ${p.peakRssMb === null ? '?' : fmt(p.peakRssMb)} MB (target ≤ 250); added TTFB proxy − bare ${fmt(p.ttfbP50 - b.ttfbP50, 2)} ms (target ≤ 0.5)`,
    );
  }
}
