// A client that leaves mid-stream: how long until the proxy (its own process, the full path) closes
// the upstream request. The upstream here sends one SSE chunk and holds the stream; the client reads
// that chunk and hangs up; the clock runs from the client's hang-up to the upstream's 'close', both in
// this process. The tests assert that the abort reaches the upstream (forward.test.ts, app.test.ts);
// this is how fast.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Target } from './measure.ts';
import { percentiles, type Percentiles } from './percentiles.ts';

export interface HeldUpstream {
  url: string;
  /** Resolves when the next held request's connection closes. */
  nextClose(): Promise<bigint>;
  close(): Promise<void>;
}

export async function startHeldUpstream(): Promise<HeldUpstream> {
  const waiters: ((at: bigint) => void)[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    res.on('close', () => waiters.shift()?.(process.hrtime.bigint()));
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(
      `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, delta: { content: 'first' } }] })}\n\n`,
    );
    // and never ends on its own
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    nextClose: () => new Promise((resolve) => waiters.push(resolve)),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Milliseconds from the client's hang-up to the upstream seeing its request closed, over `trials`. */
export async function measureAbort(target: Target, upstream: HeldUpstream, trials: number): Promise<Percentiles & { trials: number }> {
  const url = new URL('/v1/chat/completions', target.url);
  const body = JSON.stringify({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] });
  const durations: number[] = [];
  for (let i = 0; i < trials + 10; i++) {
    const closed = upstream.nextClose();
    const req = http.request(url, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', ...target.headers } });
    req.on('error', () => undefined);
    const res = await new Promise<http.IncomingMessage>((resolve) => {
      req.once('response', resolve);
      req.end(body);
    });
    if (res.statusCode !== 200) throw new Error(`abort bench: the proxy answered ${res.statusCode}`);
    res.on('error', () => undefined);
    await new Promise((resolve) => res.once('data', resolve));
    const hungUpAt = process.hrtime.bigint();
    req.destroy();
    const closedAt = await closed;
    if (i >= 10) durations.push(Number(closedAt - hungUpAt) / 1e6); // the first ten warm up
  }
  return { ...percentiles(durations), trials };
}
