// Baseline: the barest useful undici pass-through (no token check, no accounting, no header hygiene),
// with the same agent settings as the proxy. The proxy's full path is measured against this.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { createUpstreamAgent } from '../main/core/proxy/upstream-agent.ts';

const upstream = new URL(process.argv[2] ?? '');
const agent = createUpstreamAgent();

const server = http.createServer(async (req, res) => {
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const answer = await agent.request({
      origin: upstream.origin,
      path: req.url ?? '/',
      method: (req.method ?? 'GET') as 'GET',
      headers: { 'content-type': req.headers['content-type'] ?? 'application/json', authorization: 'Bearer sk-bench' },
      body: Buffer.concat(chunks),
    });
    res.writeHead(answer.statusCode, { 'content-type': String(answer.headers['content-type'] ?? '') });
    await pipeline(answer.body, res);
  } catch {
    res.destroy();
  }
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => console.log(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
