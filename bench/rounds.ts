// Interleaved fixed-size runs for side-by-side comparisons on a machine whose load drifts: requests/s
// and the target process's CPU time per request (utime + stime from /proc, all threads).
import fs from 'node:fs';
import autocannon from 'autocannon';
import type { Target } from './measure.ts';

/** Linux reports process times in clock ticks of 1/100 s. */
const TICKS_PER_SECOND = 100;

function cpuSeconds(pid: number | undefined): number | null {
  if (!pid || process.platform !== 'linux') return null;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND; // utime, stime
  } catch {
    return null;
  }
}

export interface Run {
  rps: number;
  cpuMicros: number | null;
}

/** One fixed-size autocannon run at 64 connections, with the target process's CPU time per request. */
export async function run(target: Target, pid: number | undefined, requests: number): Promise<Run> {
  const before = cpuSeconds(pid);
  const started = performance.now();
  let lastResponse = started;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${target.url}/v1/chat/completions`,
        method: 'POST',
        headers: { 'content-type': 'application/json', ...target.headers },
        body: target.body,
        connections: 64,
        amount: requests,
      },
      (err, done) => (err ? reject(err) : resolve(done)),
    );
    // autocannon notices that a fixed-size run is over only on its next whole-second tick (and reports
    // whole seconds): timing to the last answer keeps requests/s from being quantised to amount / n s.
    instance.on('response', () => {
      lastResponse = performance.now();
    });
  });
  const after = cpuSeconds(pid);
  if (result.errors || result.non2xx) throw new Error(`${target.name}: ${result.errors} errors, ${result.non2xx} non-2xx`);
  const done = result.requests.total;
  return { rps: done / ((lastResponse - started) / 1000), cpuMicros: before === null || after === null ? null : ((after - before) * 1e6) / done };
}

export const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
