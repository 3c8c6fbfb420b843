// Two ways of measuring one HTTP target: autocannon for throughput under many connections, and a
// closed loop on one keep-alive connection with hrtime per request for sub-millisecond latency
// (autocannon's histogram rounds latency to whole milliseconds).
import autocannon from 'autocannon';
import { Client } from 'undici';

export interface Target {
  name: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  /** The target's process, for its CPU time (when the bench started it). */
  pid?: number | undefined;
}

export interface Throughput {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

export async function throughput(target: Target, connections: number, seconds: number): Promise<Throughput> {
  const result = await autocannon({
    url: `${target.url}/v1/chat/completions`,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...target.headers },
    body: target.body,
    connections,
    duration: seconds,
  });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors, non2xx: result.non2xx };
}

export interface Latency {
  p50: number;
  p99: number;
  mean: number;
}

export async function latencyOneConnection(target: Target, requests: number): Promise<Latency> {
  const client = new Client(target.url, { pipelining: 1, keepAliveTimeout: 60_000 });
  const durations: number[] = [];
  try {
    for (let i = 0; i < requests + 200; i++) {
      const started = process.hrtime.bigint();
      const res = await client.request({
        path: '/v1/chat/completions',
        method: 'POST',
        headers: { 'content-type': 'application/json', ...target.headers },
        body: target.body,
      });
      await res.body.dump();
      if (res.statusCode !== 200) throw new Error(`${target.name} answered ${res.statusCode}`);
      if (i >= 200) durations.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
  } finally {
    await client.close();
  }
  durations.sort((a, b) => a - b);
  const at = (q: number) => durations[Math.min(durations.length - 1, Math.floor(q * durations.length))]!;
  return { p50: at(0.5), p99: at(0.99), mean: durations.reduce((a, b) => a + b, 0) / durations.length };
}
