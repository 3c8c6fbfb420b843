// Durations that tests used to assert as bounds (and that failed on a busy machine); the tests now
// assert the behaviour and these figures say how fast it is: a client abort reaching the upstream
// (forward.test.ts, app.test.ts; the old bound was 100 ms) and rate-limit decisions while Redis is
// down or stalled (limits.redis.test.ts; the old bound was 50 ms). Part of `npm run bench`; also runs
// alone: `npx tsx bench/test-figures.ts`.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureAbort, startHeldUpstream } from './abort.ts';
import { measureLimitOutage, printLimitOutage } from './limit-outage.ts';
import type { Target } from './measure.ts';
import type { Participant } from './processes.ts';
import { startProxy, type ProxyVariant } from './proxy-process.ts';

const ms = (n: number) => n.toFixed(3);

export async function measureTestFigures(start: (upstreamUrl: string, variant?: ProxyVariant) => Promise<Target>): Promise<void> {
  const trials = Number(process.env.BENCH_ABORT_TRIALS ?? 200);
  console.log(`\nClient abort reaches the upstream (full path, its own process; ${trials} trials, client hang-up → upstream 'close')`);
  const held = await startHeldUpstream();
  try {
    const abort = await measureAbort(await start(held.url, { name: 'proxy, held stream' }), held, trials);
    console.log(`  p50 ${ms(abort.p50)} ms   p99 ${ms(abort.p99)} ms   max ${ms(abort.max)} ms   (tests used to require < 100 ms)`);
  } finally {
    await held.close();
  }
  const decisions = Number(process.env.BENCH_OUTAGE_DECISIONS ?? 2000);
  console.log(`\nRate-limit decisions while Redis is out (in process, 50 ms deadline, ${decisions} decisions one at a time; tests used to require < 50 ms)`);
  printLimitOutage(await measureLimitOutage(decisions));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const children: Participant[] = [];
  try {
    await measureTestFigures((url, variant) => startProxy(url, children, variant));
  } finally {
    for (const { child } of children) child.kill('SIGTERM');
  }
}
