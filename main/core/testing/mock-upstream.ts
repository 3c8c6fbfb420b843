// A fake OpenAI-compatible provider on 127.0.0.1 (port 0) for tests and benchmarks: the only fake in
// the test suite. It records what it receives, so tests can prove which key and headers arrived.
import { once } from 'node:events';
import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface MockUpstream {
  url: string;
  received: ReceivedRequest[];
  /** Resolves when the mock sees a request's connection close before its response finished. */
  nextClientAbort(): Promise<number>;
  /** When set, streamed chats write their first chunk and wait for this promise before the rest. */
  holdStream: Promise<void> | null;
  /** Added to every answer (e.g. `cache-control`, `vary`, `etag` for the response cache's tests). */
  extraHeaders: Record<string, string>;
  close(): Promise<void>;
}

const chatAnswer = (model: string) => ({
  id: 'chatcmpl-mock',
  object: 'chat.completion',
  created: 1_700_000_000,
  model,
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hello from the mock.' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 11, completion_tokens: 5, total_tokens: 16 },
});

function chunk(model: string, delta: Record<string, unknown>, finish: string | null, usage?: Record<string, number>) {
  return `data: ${JSON.stringify({ id: 'chatcmpl-mock', object: 'chat.completion.chunk', created: 1_700_000_000, model, choices: usage ? [] : [{ index: 0, delta, finish_reason: finish }], ...(usage ? { usage } : {}) })}\n\n`;
}

export async function startMockUpstream(): Promise<MockUpstream> {
  const received: ReceivedRequest[] = [];
  const abortWaiters: ((at: number) => void)[] = [];
  const state: MockUpstream = {
    url: '',
    received,
    holdStream: null,
    extraHeaders: {},
    nextClientAbort: () => new Promise((resolve) => abortWaiters.push(resolve)),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      res.on('close', () => {
        if (!res.writableFinished) abortWaiters.shift()?.(performance.now());
      });
      void answer(req.url ?? '', body, res, state);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}

async function answer(url: string, body: string, res: http.ServerResponse, state: MockUpstream): Promise<void> {
  const json = (status: number, value: unknown) => {
    const text = JSON.stringify(value);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'x-request-id': 'upstream-req-1', 'set-cookie': 'upstream=1', ...state.extraHeaders });
    res.end(text);
  };
  const path = url.split('?')[0];
  if (path === '/v1/models') return json(200, { object: 'list', data: [{ id: 'gpt-4o-mini', object: 'model', created: 1, owned_by: 'mock' }] });
  let request: Record<string, unknown> = {};
  try {
    request = body ? (JSON.parse(body) as Record<string, unknown>) : {};
  } catch {
    return json(400, { error: { message: 'bad json', type: 'invalid_request_error', code: null } });
  }
  const model = typeof request.model === 'string' ? request.model : 'unknown';
  if (path === '/v1/embeddings') {
    const vector = [0.1, 0.2, 0.3];
    // The openai SDK asks for base64 unless told otherwise, and decodes it back to floats.
    const embedding = request.encoding_format === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector;
    return json(200, { object: 'list', data: [{ object: 'embedding', index: 0, embedding }], model, usage: { prompt_tokens: 4, total_tokens: 4 } });
  }
  if (path === '/v1/chat/completions') {
    if (!request.stream) return json(200, chatAnswer(model));
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...state.extraHeaders });
    res.write(chunk(model, { role: 'assistant', content: 'Hello' }, null));
    if (state.holdStream) await state.holdStream;
    if (res.destroyed) return;
    res.write(chunk(model, { content: ' from the mock.' }, null));
    res.write(chunk(model, {}, 'stop'));
    const options = request.stream_options as { include_usage?: boolean } | undefined;
    if (options?.include_usage) res.write(chunk(model, {}, null, { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 }));
    res.end('data: [DONE]\n\n');
    return;
  }
  json(404, { error: { message: `mock has no ${path}`, type: 'invalid_request_error', code: 'not_found' } });
}
