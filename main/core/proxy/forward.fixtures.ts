// Test fixtures for forward: a scriptable mock upstream and a small proxy server around `forward`,
// both real node:http servers on 127.0.0.1 port 0, plus a raw client for byte-level checks.
import { once } from 'node:events';
import { createServer, request } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Agent } from 'undici';
import { readBody, limitStream } from './body.ts';
import { sendProxyError } from './errors.ts';
import { forward } from './forward.ts';
import type { ForwardPlan, ForwardResult } from './forward.ts';
import { requestHeadersForUpstream } from './hop-by-hop.ts';
import { createUpstreamAgent } from './upstream-agent.ts';
import { createUsageTap, type Usage } from './usage.ts';

/** What forward reports, plus the usage its usage tap read (the proxy's usage-extraction pass). */
export type FixtureResult = ForwardResult & { usage: Usage | null };

export const UPSTREAM_KEY = 'sk-upstream-secret-0000';
export const REQUEST_ID = 'req_proxy_test_1';
export const BODY_LIMIT = 64 * 1024;

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

type UpstreamHandler = (req: IncomingMessage, res: ServerResponse, seen: SeenRequest) => void;

/** Resolves the next value pushed, or one already waiting. */
export class Queue<T> {
  private items: T[] = [];
  private waiters: ((item: T) => void)[] = [];
  push(item: T): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter(item);
    else this.items.push(item);
  }
  next(): Promise<T> {
    const item = this.items.shift();
    if (item !== undefined) return Promise.resolve(item);
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}

async function listen(server: Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

export interface Harness {
  upstreamPort: number;
  proxyPort: number;
  agent: Agent;
  /** What the mock upstream answers; reads the request body first. */
  upstream: { handle: UpstreamHandler };
  seen: SeenRequest[];
  results: Queue<FixtureResult>;
  /** Changes to the plan the proxy builds for every request. */
  plan: Partial<ForwardPlan>;
  close(): Promise<void>;
}

/**
 * The proxy reads JSON bodies with readBody and streams `/v1/files` bodies with limitStream, then
 * forwards with the client's cleaned headers plus the upstream key, like the real handler will.
 */
export async function startHarness(): Promise<Harness> {
  const seen: SeenRequest[] = [];
  const upstream = { handle: ((_req, res) => res.end('{}')) as UpstreamHandler };
  const upstreamServer = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const entry = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() };
      seen.push(entry);
      upstream.handle(req, res, entry);
    });
  });
  const upstreamPort = await listen(upstreamServer);

  const agent = createUpstreamAgent();
  const results = new Queue<FixtureResult>();
  const harness: Harness = {
    upstreamPort,
    proxyPort: 0,
    agent,
    upstream,
    seen,
    results,
    plan: {},
    close: async () => {
      await close(proxyServer);
      await close(upstreamServer);
      await agent.destroy();
    },
  };
  const proxyServer = createServer((req, res) => {
    void (async () => {
      let body: ForwardPlan['body'] = null;
      if (req.url?.startsWith('/v1/files')) body = limitStream(req, BODY_LIMIT);
      else {
        try {
          const buffer = await readBody(req, BODY_LIMIT);
          if (buffer.length > 0) body = buffer;
        } catch (err) {
          sendProxyError(res, err, REQUEST_ID);
          return;
        }
      }
      let usage: Usage | null = null;
      const result = await forward(req, res, {
        dispatcher: agent,
        origin: `http://127.0.0.1:${upstreamPort}`,
        path: req.url ?? '/',
        method: req.method ?? 'GET',
        prepareAttempt: (n) => (n === 0 ? { ...requestHeadersForUpstream(req.headers), authorization: `Bearer ${UPSTREAM_KEY}` } : null),
        onResponseStart(head) {
          const tap = createUsageTap(head.contentType);
          return [{ write: (chunk) => tap.write(chunk), end: () => void (usage = tap.end()) }];
        },
        body,
        requestId: REQUEST_ID,
        headersTimeoutMs: 5_000,
        idleTimeoutMs: 5_000,
        ...harness.plan,
      });
      results.push({ ...result, usage });
    })();
  });
  harness.proxyPort = await listen(proxyServer);
  return harness;
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One request through the proxy on its own connection; resolves with the whole answer. */
export function rawRequest(port: number, options: { method?: string; path: string; headers?: Record<string, string>; body?: string }): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, agent: false, method: options.method ?? 'POST', path: options.path, headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Opens a request and resolves with the client request and the response, its body unread. */
export function openRequest(
  port: number,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<{ req: ReturnType<typeof request>; res: IncomingMessage }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, agent: false, method: options.method ?? 'POST', path: options.path, headers: options.headers });
    req.on('response', (res) => resolve({ req, res }));
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Reads `res` chunk by chunk (null at the end); nothing is lost between calls. */
export function chunkReader(res: IncomingMessage): () => Promise<string | null> {
  const iterator = res[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  return async () => {
    const next = await iterator.next();
    return next.done ? null : next.value.toString();
  };
}

/** A port with nothing listening on it (bound, read back, closed). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await close(server);
  return port;
}

export function sse(data: unknown): string {
  return `data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
}
