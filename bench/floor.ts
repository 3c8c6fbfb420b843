// The floor comparison of `npm run bench` (issue 22): the proxy's full path against a bare undici
// pass-through, in interleaved rounds (the machine's load drifts), as ratios: throughput and p99 at 64
// connections, CPU time per request, and the p50 each adds to the mock upstream at 1 connection. Each
// round gives its own ratios; the median is the figure and min–max the run-to-run spread.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import autocannon from 'autocannon';
import { latencyOneConnection, type Target } from './measure.ts';

const TICKS_PER_SECOND = 100;

export function cpuSeconds(pid: number | undefined): number | null {
  if (!pid || process.platform !== 'linux') return null;
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** Resident set size of a process in MB (Linux), or null. */
export function rssMb(pid: number | undefined): number | null {
  if (!pid || process.platform !== 'linux') return null;
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

export interface WideRun {
  rps: number;
  p99: number;
  cpuMicros: number | null;
}

/** A fixed number of requests at `connections`, timed to the last answer. */
export async function wideRun(target: Target, requests: number, connections = 64): Promise<WideRun> {
  const before = cpuSeconds(target.pid);
  const started = performance.now();
  let last = started;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${target.url}/v1/chat/completions`,
        method: 'POST',
        headers: { 'content-type': 'application/json', ...target.headers },
        body: target.body,
        connections,
        amount: requests,
        timeout: 60,
      },
      (err, done) => (err ? reject(err) : resolve(done)),
    );
    instance.on('response', () => {
      last = performance.now();
    });
  });
  const after = cpuSeconds(target.pid);
  if (result.errors || result.non2xx) throw new Error(`${target.name}: ${result.errors} errors, ${result.non2xx} non-2xx`);
  const done = result.requests.total;
  return {
    rps: done / ((last - started) / 1000),
    p99: result.latency.p99,
    cpuMicros: before === null || after === null ? null : ((after - before) * 1e6) / done,
  };
}

export const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
const medianOf = (values: number[]) => sorted(values)[Math.floor(values.length / 2)]!;
/** `median (min–max)` of per-round values. */
export const spread = (values: number[], digits = 2) =>
  `${fmt(medianOf(values), digits)} (${fmt(sorted(values)[0]!, digits)}–${fmt(sorted(values).at(-1)!, digits)})`;

/** Portkey's gateway when it is installed beside this checkout; it is not a dependency. */
function portkeyInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve('@portkey-ai/gateway/package.json');
    return true;
  } catch {
    return false;
  }
}

export interface FloorFigures {
  throughput: number[];
  addedP50: number[];
  p99: number[];
  cpu: number[];
  bareRps: number[];
}

export async function measureFloor(
  direct: Target,
  bare: Target,
  proxy: Target,
  opts: { rounds: number; requests: number; latencyRequests: number },
): Promise<FloorFigures> {
  const figures: FloorFigures = { throughput: [], addedP50: [], p99: [], cpu: [], bareRps: [] };
  await wideRun(bare, 5000);
  await wideRun(proxy, 5000);
  for (let round = 0; round < opts.rounds; round++) {
    // Alternate who goes first, so neither always runs on the warmer or the quieter half of a round.
    const order = round % 2 ? [proxy, bare] : [bare, proxy];
    const wide = new Map<Target, WideRun>();
    for (const target of order) wide.set(target, await wideRun(target, opts.requests));
    const p50 = new Map<Target, number>();
    for (const target of [direct, ...order]) p50.set(target, (await latencyOneConnection(target, opts.latencyRequests)).p50);
    const b = wide.get(bare)!;
    const p = wide.get(proxy)!;
    figures.bareRps.push(b.rps);
    figures.throughput.push(p.rps / b.rps);
    figures.p99.push(p.p99 / Math.max(1, b.p99));
    if (b.cpuMicros !== null && p.cpuMicros !== null) figures.cpu.push(p.cpuMicros / b.cpuMicros);
    const addedBare = p50.get(bare)! - p50.get(direct)!;
    const addedProxy = p50.get(proxy)! - p50.get(direct)!;
    figures.addedP50.push(addedProxy / Math.max(0.001, addedBare));
    console.log(
      `  round ${round + 1}: c=64 bare ${fmt(b.rps)} req/s p99 ${b.p99} ms CPU ${fmt(b.cpuMicros ?? 0)} µs | proxy ${fmt(p.rps)} req/s p99 ${p.p99} ms CPU ${fmt(p.cpuMicros ?? 0)} µs` +
        ` | c=1 added p50 bare ${fmt(addedBare, 3)} ms, proxy ${fmt(addedProxy, 3)} ms`,
    );
  }
  console.log(`  (Portkey: ${portkeyInstalled() ? 'installed but not measured here' : 'not installed on this machine, so not measured'})`);
  console.log(`  ratios to the bare pass-through, median (min–max) of ${opts.rounds} interleaved rounds of ${fmt(opts.requests)} requests:`);
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
  const row = (label: string, values: number[], target: string, ok: boolean) =>
    console.log(`    ${label.padEnd(34)} ${spread(values).padEnd(20)} target ${target}: ${verdict(ok)}`);
  row('throughput at c=64', figures.throughput, '≥ 0.85', medianOf(figures.throughput) >= 0.85);
  row('added p50 at c=1', figures.addedP50, '≤ 1.25', medianOf(figures.addedP50) <= 1.25);
  row('p99 at c=64', figures.p99, '≤ 1.5', medianOf(figures.p99) <= 1.5);
  if (figures.cpu.length) console.log(`    ${'CPU per request at c=64'.padEnd(34)} ${spread(figures.cpu)}`);
  return figures;
}
