// Benchmark upstream for streams: every request gets an OpenAI-style SSE answer of CHUNKS events
// GAP_MS apart (the first at once), then usage and [DONE]. Prints its URL.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const CHUNKS = Number(process.env.BENCH_SSE_CHUNKS ?? 20);
const GAP_MS = Number(process.env.BENCH_SSE_GAP_MS ?? 50);
const event = (data: unknown) => `data: ${JSON.stringify(data)}\n\n`;
const chunk = event({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', model: 'gpt-4o-mini', choices: [{ index: 0, delta: { content: 'ok' } }] });
const tail =
  event({
    id: 'chatcmpl-bench',
    object: 'chat.completion.chunk',
    model: 'gpt-4o-mini',
    choices: [],
    usage: { prompt_tokens: 8, completion_tokens: CHUNKS, total_tokens: 8 + CHUNKS },
  }) + 'data: [DONE]\n\n';

const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    let sent = 0;
    const next = (): void => {
      if (res.destroyed) return;
      res.write(chunk);
      if (++sent < CHUNKS) setTimeout(next, GAP_MS);
      else res.end(tail);
    };
    next();
  });
});
server.keepAliveTimeout = 60_000;
server.maxConnections = 100_000;
server.listen(0, '127.0.0.1', 2048, () => console.log(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
