// The pipeline's cost in `npm run bench`: this checkout's proxy against the hard-coded request path it
// replaced (commit BENCH_BASELINE_REF, checked out as a git worktree beside this one and sharing its
// node_modules), same settings, side by side in interleaved rounds. Also shown: the same proxy with a
// project that sets transformations and has two keys, so the cost of using them is visible too.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Target } from './measure.ts';
import { ROOT } from './processes.ts';
import { median, run, type Run } from './rounds.ts';

/** The last commit with the hard-coded request path (before providers, keys and passes). */
export const BASELINE_REF = process.env.BENCH_BASELINE_REF ?? '13cf5b8';

export type StartProxy = (variant: {
  name: string;
  bin?: string;
  project?: Record<string, unknown>;
  keys?: { label: string; api_key: string; weight: number }[];
}) => Promise<Target>;

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** `bin/llm-proxy.js` of the baseline worktree, or null (with the reason printed) when it cannot be made. */
export function baselineBin(): string | null {
  const dir = path.join(os.tmpdir(), `llmp-bench-baseline-${BASELINE_REF}`);
  try {
    if (!fs.existsSync(path.join(dir, 'bin', 'llm-proxy.js'))) {
      fs.rmSync(dir, { recursive: true, force: true });
      execFileSync('git', ['worktree', 'prune'], { cwd: ROOT, stdio: 'ignore' });
      execFileSync('git', ['worktree', 'add', '--detach', dir, BASELINE_REF], { cwd: ROOT, stdio: 'ignore' });
    }
    const modules = path.join(dir, 'node_modules');
    if (!fs.existsSync(modules)) fs.symlinkSync(path.join(ROOT, 'node_modules'), modules, 'dir');
    return path.join(dir, 'bin', 'llm-proxy.js');
  } catch (err) {
    console.log(`  (baseline skipped: cannot check out ${BASELINE_REF}: ${(err as Error).message.split('\n')[0]})`);
    return null;
  }
}

export async function measurePipeline(startProxy: StartProxy, opts: { seconds: number }): Promise<void> {
  const bin = baselineBin();
  if (!bin) return;
  const targets = [
    await startProxy({ name: `hard-coded path (${BASELINE_REF})`, bin }),
    await startProxy({ name: 'pipeline of passes' }),
    await startProxy({
      name: 'pipeline + 2 keys + rewrites',
      project: { transformations: { model_aliases: { fast: 'gpt-4o-mini' }, max_tokens_ceiling: 1000, system_prompt_prefix: 'Be brief.' } },
      keys: [{ label: 'second', api_key: 'sk-bench-upstream-2', weight: 2 }],
    }),
  ];
  const pids = targets.map((t) => t.pid);
  const warm = await run(targets[0]!, pids[0], 5000);
  for (const [i, target] of targets.entries()) if (i > 0) await run(target, pids[i], 5000);
  const requests = Number(process.env.BENCH_PIPELINE_REQUESTS ?? 0) || Math.max(20_000, Math.round(warm.rps * opts.seconds));
  const rounds = Number(process.env.BENCH_PIPELINE_ROUNDS ?? 3);
  const runs: Run[][] = targets.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (const [i, target] of targets.entries()) runs[i]!.push(await run(target, pids[i], requests));
  }
  const rps = runs.map((r) => median(r.map((x) => x.rps)));
  const cpu = runs.map((r) => (r.every((x) => x.cpuMicros !== null) ? median(r.map((x) => x.cpuMicros!)) : null));
  for (const [i, target] of targets.entries()) {
    const cpuText = cpu[i] === null ? '' : `   CPU ${fmt(cpu[i]!, 1)} µs/request`;
    console.log(`  ${target.name.padEnd(30)} ${fmt(rps[i]!).padStart(8)} req/s${cpuText}`);
  }
  const spread = (r: Run[]) => (Math.max(...r.map((x) => x.rps)) - Math.min(...r.map((x) => x.rps))) / median(r.map((x) => x.rps));
  console.log(
    `  pipeline: ${fmt((rps[1]! / rps[0]!) * 100, 1)} % of the hard-coded path's throughput (median of ${rounds} interleaved rounds of ${fmt(requests)}; ` +
      `run-to-run spread ±${fmt((spread(runs[0]!) / 2) * 100, 1)} %) — target: within noise`,
  );
  if (cpu[0] && cpu[1]) console.log(`  from CPU time per request: the pipeline costs ${fmt((1 - cpu[0] / cpu[1]) * 100, 1)} %`);
}
