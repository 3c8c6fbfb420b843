// The event pipeline's cost in `npm run bench`: the same proxy three ways, side by side and interleaved
// (the machine's load drifts): events not stored (metrics and the live dashboard only: no dispatcher,
// retention 0), stored in the outbox (the default), and stored + delivered to a JSONL file and a webhook.
// Besides requests/s it reports the proxy process's CPU time per request (utime + stime from /proc,
// all threads), which other load on a shared machine disturbs far less than throughput.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { latencyOneConnection, type Latency, type Target } from './measure.ts';
import { startTsProcess, type Participant } from './processes.ts';
import { median, run, type Run } from './rounds.ts';

type StartProxy = (variant: { name: string; args?: string[] }) => Promise<Target>;

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
export async function measureEventPipeline(
  startProxy: StartProxy,
  children: Participant[],
  opts: { seconds: number; latencyRequests: number; rounds?: number },
): Promise<void> {
  const receiver = await startTsProcess('bench/webhook-receiver.ts');
  children.push(receiver);
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmp-bench-events-'));
  const targets = [
    await startProxy({ name: 'events not stored', args: ['--event-retention-days', '0'] }),
    await startProxy({ name: 'outbox (default)' }),
    await startProxy({ name: 'outbox + JSONL + webhook', args: ['--event-log', path.join(logDir, 'events.jsonl'), '--event-webhook', receiver.url] }),
  ];
  const pids = targets.map((t) => children.find((c) => c.url === t.url)?.child.pid);
  const rounds = opts.rounds ?? Number(process.env.BENCH_EVENT_ROUNDS ?? 3);
  // About `seconds` per run at the speed of the first warm-up.
  const warm = await run(targets[0]!, pids[0], 5000);
  for (const [i, target] of targets.entries()) if (i > 0) await run(target, pids[i], 5000);
  // Runs of a fixed size (about `seconds` at the measured speed, 20 000 at least): short runs are noise.
  const requests = Number(process.env.BENCH_EVENT_REQUESTS ?? 0) || Math.max(20_000, Math.round(warm.rps * opts.seconds));
  const runs: Run[][] = targets.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (const [i, target] of targets.entries()) runs[i]!.push(await run(target, pids[i], requests));
  }
  const narrow: Latency[] = [];
  for (const target of targets) narrow.push(await latencyOneConnection(target, opts.latencyRequests));

  const rps = runs.map((r) => median(r.map((x) => x.rps)));
  const cpu = runs.map((r) => (r.every((x) => x.cpuMicros !== null) ? median(r.map((x) => x.cpuMicros!)) : null));
  for (const [i, target] of targets.entries()) {
    const cpuText = cpu[i] === null ? '' : `   CPU ${fmt(cpu[i]!, 1)} µs/request`;
    console.log(`  ${target.name.padEnd(26)} ${fmt(rps[i]!).padStart(8)} req/s${cpuText}   p50 at 1 connection ${fmt(narrow[i]!.p50, 3)} ms`);
  }
  const pct = (a: number, b: number) => `${fmt((a / b) * 100, 1)} %`;
  console.log(
    `  throughput (median of ${rounds} interleaved rounds of ${fmt(requests)} requests): with dispatchers ${pct(rps[2]!, rps[1]!)} of without (target ≥ 95 %); outbox ${pct(rps[1]!, rps[0]!)} of not stored`,
  );
  if (cpu[0] && cpu[1] && cpu[2]) {
    // A CPU-bound process's throughput is inversely proportional to its CPU time per request (kernel
    // time for WAL writes and fsyncs included), which a busy machine disturbs less than requests/s.
    const cost = (base: number, with_: number) => `${fmt((1 - base / with_) * 100, 1)} %`;
    console.log(
      `  from CPU time per request: dispatchers cost ${cost(cpu[1], cpu[2])} (target < 5 %); the outbox ${cost(cpu[0], cpu[1])}; both ${cost(cpu[0], cpu[2])}`,
    );
  }
  console.log(`  added p50 at 1 connection (the answer's last byte waits for its event's commit): ${fmt(narrow[1]!.p50 - narrow[0]!.p50, 3)} ms`);
  fs.rmSync(logDir, { recursive: true, force: true });
}
