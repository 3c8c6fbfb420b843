import { once } from 'node:events';
import { createServer, request } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { limitStream, readBody } from './body.ts';
import { ProxyError, sendProxyError } from './errors.ts';

const LIMIT = 1024;
let server: Server | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

/** A server whose handler reads the body under LIMIT and answers 200 with its size, or the error. */
async function startServer(read: (req: IncomingMessage) => Promise<Buffer>, onError?: (err: unknown) => void): Promise<number> {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    read(req).then(
      (body) => res.end(String(body.length)),
      (err: unknown) => {
        onError?.(err);
        sendProxyError(res, err, 'req-1');
      },
    );
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

interface Answer {
  status: number;
  body: string;
}

/** Sends `body` (chunked unless contentLength is given) and resolves with the answer. */
function send(port: number, chunks: Buffer[], contentLength?: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = {};
    if (contentLength !== undefined) headers['content-length'] = contentLength;
    const req = request({ port, host: '127.0.0.1', method: 'POST', path: '/', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    // Once the answer is in, a write racing the server's close may fail: that is not the result.
    req.on('error', reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

const bytes = (n: number): Buffer => Buffer.alloc(n, 0x61);

describe('readBody', () => {
  it('returns the whole body up to and including the limit', async () => {
    const port = await startServer((req) => readBody(req, LIMIT));
    expect(await send(port, [bytes(LIMIT)], LIMIT)).toEqual({ status: 200, body: String(LIMIT) });
    expect(await send(port, [bytes(500), bytes(LIMIT - 500)])).toEqual({ status: 200, body: String(LIMIT) });
  });

  it('answers 413 from Content-Length alone, before any body byte is sent', async () => {
    const port = await startServer((req) => readBody(req, LIMIT));
    const answer = await new Promise<Answer>((resolve, reject) => {
      const req = request({ port, host: '127.0.0.1', method: 'POST', headers: { 'content-length': LIMIT + 1 } }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.flushHeaders(); // headers only: the body is never written
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toEqual({
      error: { message: 'Request body is too large.', type: 'invalid_request_error', code: 'body_too_large', param: null },
    });
  });

  it('answers 413 when a chunked body goes one byte over', async () => {
    const port = await startServer((req) => readBody(req, LIMIT));
    const answer = await send(port, [bytes(LIMIT), bytes(1)]);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).error.code).toBe('body_too_large');
  });

  it('answers 413 (not a reset) to a client that sends a large body in full', async () => {
    const port = await startServer((req) => readBody(req, LIMIT));
    const big = bytes(4 * 1024 * 1024);
    expect((await send(port, [big], big.length)).status).toBe(413);
    expect((await send(port, [big.subarray(0, 2 * 1024 * 1024), big.subarray(2 * 1024 * 1024)])).status).toBe(413);
  });

  it('rejects with request_aborted when the client leaves mid-body', async () => {
    let seen: unknown;
    const failed = new Promise<void>((resolve) => {
      void startServer(
        (req) => readBody(req, LIMIT),
        (err) => {
          seen = err;
          resolve();
        },
      ).then((port) => {
        const req = request({ port, host: '127.0.0.1', method: 'POST', headers: { 'content-length': 100 } });
        req.on('error', () => {});
        req.write(bytes(10), () => req.destroy());
      });
    });
    await failed;
    expect(seen).toBeInstanceOf(ProxyError);
    expect((seen as ProxyError).code).toBe('request_aborted');
  });
});

/** Reads a stream to the end, resolving with its bytes or rejecting with its error. */
async function drain(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('limitStream', () => {
  it('passes a body up to the limit through unchanged', async () => {
    const port = await startServer((req) => drain(limitStream(req, LIMIT)));
    expect(await send(port, [bytes(LIMIT)], LIMIT)).toEqual({ status: 200, body: String(LIMIT) });
    expect(await send(port, [bytes(1), bytes(LIMIT - 1)])).toEqual({ status: 200, body: String(LIMIT) });
  });

  it('errors with body_too_large one byte over, chunked or by Content-Length, and the client gets 413', async () => {
    const port = await startServer((req) => drain(limitStream(req, LIMIT)));
    const chunked = await send(port, [bytes(LIMIT), bytes(1)]);
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.body).error.code).toBe('body_too_large');
    expect((await send(port, [bytes(LIMIT + 1)], LIMIT + 1)).status).toBe(413);
  });
});
