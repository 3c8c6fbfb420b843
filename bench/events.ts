// The event pipeline's cost in `npm run bench`: the same proxy three ways, side by side and interleaved
// (the machine's load drifts): events not stored (metrics and the live dashboard only: no dispatcher,
// retention 0), stored in the outbox (the default), and stored + delivered to a JSONL file and a webhook.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { latencyOneConnection, throughput, type Latency, type Target, type Throughput } from './measure.ts';
import { startTsProcess, type Participant } from './processes.ts';

type StartProxy = (variant: { name: string; args?: string[] }) => Promise<Target>;

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

export async function measureEventPipeline(startProxy: StartProxy, children: Participant[], opts: { seconds: number; latencyRequests: number; rounds?: number }): Promise<void> {
  const receiver = await startTsProcess('bench/webhook-receiver.ts');
  children.push(receiver);
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmp-bench-events-'));
  const targets = [
    await startProxy({ name: 'events not stored', args: ['--event-retention-days', '0'] }),
    await startProxy({ name: 'outbox (default)' }),
    await startProxy({ name: 'outbox + JSONL + webhook', args: ['--event-log', path.join(logDir, 'events.jsonl'), '--event-webhook', receiver.url] }),
  ];
  const rounds = opts.rounds ?? 2;
  const best: (Throughput | null)[] = targets.map(() => null);
  for (const target of targets) await throughput(target, 64, 2); // warm-up: JIT, pools
  for (let round = 0; round < rounds; round++) {
    for (const [i, target] of targets.entries()) {
      const result = await throughput(target, 64, opts.seconds);
      if (result.errors || result.non2xx) throw new Error(`${target.name}: ${result.errors} errors, ${result.non2xx} non-2xx`);
      if (!best[i] || result.rps > best[i]!.rps) best[i] = result;
    }
  }
  const narrow: Latency[] = [];
  for (const target of targets) narrow.push(await latencyOneConnection(target, opts.latencyRequests));
  for (const [i, target] of targets.entries()) {
    const wide = best[i]!;
    console.log(`  ${target.name.padEnd(26)} ${fmt(wide.rps).padStart(8)} req/s   p50 at 1 connection ${fmt(narrow[i]!.p50, 3)} ms   p99 ${fmt(narrow[i]!.p99, 3)} ms`);
  }
  const base = best[0]!.rps;
  console.log(`  outbox / not stored: ${fmt((best[1]!.rps / base) * 100, 1)} %   with dispatchers / not stored: ${fmt((best[2]!.rps / base) * 100, 1)} %   (target ≥ 95 %; best of ${rounds} interleaved rounds)`);
  console.log(`  added p50 at 1 connection (the answer's last byte waits for its event's commit): ${fmt(narrow[1]!.p50 - narrow[0]!.p50, 3)} ms`);
  fs.rmSync(logDir, { recursive: true, force: true });
}
