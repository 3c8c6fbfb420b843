// A fake provider on 127.0.0.1 (port 0) for tests and benchmarks: the only fake in the test suite.
// OpenAI-compatible (chat completions, embeddings, models) and Anthropic's Messages API (messages,
// streamed or not, count_tokens, models when asked with `anthropic-version`). It records what it
// receives, so tests can prove which key and headers arrived, and it can be told to fail for chosen
// credentials (`keyBehaviour`) to exercise failover between a project's upstream keys.
import { once } from 'node:events';
import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** An HTTP status to answer with (and a provider-shaped error body), or 'reset': drop the connection unanswered. */
export type KeyBehaviour = number | 'reset';

export interface MockUpstream {
  url: string;
  received: ReceivedRequest[];
  /** Resolves when the mock sees a request's connection close before its response finished. */
  nextClientAbort(): Promise<number>;
  /** When set, streamed chats and messages write their first chunks and wait for this promise before the rest. */
  holdStream: Promise<void> | null;
  /** Added to every answer (e.g. `cache-control`, `vary`, `etag` for the response cache's tests). */
  extraHeaders: Record<string, string>;
  /**
   * By credential (the Bearer token, `x-api-key` or `api-key`): requests carrying it are answered
   * with this status and an OpenAI-style error body (Anthropic-style on `/v1/messages*` or with
   * `anthropic-version`; 429 adds `retry-after: 1`), or with 'reset' the connection is dropped
   * without an answer. Still recorded in `received` and counted. Other credentials are served as usual.
   */
  keyBehaviour: Record<string, KeyBehaviour>;
  /** False: answer 404 to `/v1/models*`, like OpenAI-compatible servers that cannot list models. */
  listsModels: boolean;
  /** How many requests arrived with this credential (whatever they were answered). */
  countByKey(key: string): number;
  close(): Promise<void>;
}

/** The credential a client sent: `Authorization: Bearer`, Anthropic's `x-api-key` or Azure's `api-key`. */
function credentialOf(headers: IncomingHttpHeaders): string | null {
  const authorization = headers.authorization;
  if (authorization) {
    const match = /^bearer\s+(.+)$/i.exec(authorization.trim());
    if (match) return match[1]!;
  }
  for (const name of ['x-api-key', 'api-key']) {
    const value = headers[name];
    if (typeof value === 'string' && value !== '') return value;
  }
  return null;
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

// Anthropic's Messages API, as the real one answers (https://docs.anthropic.com/en/api/messages).
const ANTHROPIC_MESSAGE_ID = 'msg_01MockMockMockMockMockMock';
const ANTHROPIC_REQUEST_ID = 'req_01MockMockMockMockMockMock';

const messageAnswer = (model: string) => ({
  id: ANTHROPIC_MESSAGE_ID,
  type: 'message',
  role: 'assistant',
  model,
  content: [{ type: 'text', text: 'Hello from the mock.' }],
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: { input_tokens: 11, output_tokens: 5 },
});

/** One Anthropic SSE event: a named `event:` line and its JSON `data:`. */
const anthropicEvent = (type: string, data: Record<string, unknown>) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;

const ANTHROPIC_ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

const OPENAI_ERRORS: Record<number, { type: string; code: string | null; message: string }> = {
  400: { type: 'invalid_request_error', code: null, message: 'Bad request.' },
  401: { type: 'invalid_request_error', code: 'invalid_api_key', message: 'Incorrect API key provided.' },
  403: { type: 'invalid_request_error', code: 'unsupported_country_region_territory', message: 'Country, region, or territory not supported.' },
  404: { type: 'invalid_request_error', code: 'model_not_found', message: 'The model does not exist or you do not have access to it.' },
  429: { type: 'requests', code: 'rate_limit_exceeded', message: 'Rate limit reached for requests. Please try again in 1s.' },
  500: { type: 'server_error', code: null, message: 'The server had an error while processing your request.' },
  503: { type: 'server_error', code: null, message: 'The engine is currently overloaded, please try again later.' },
};

function errorBody(status: number, anthropic: boolean): unknown {
  if (anthropic) {
    const type = ANTHROPIC_ERROR_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
    return { type: 'error', error: { type, message: `Mock ${type} (HTTP ${status}).` } };
  }
  const known = OPENAI_ERRORS[status] ?? {
    type: status >= 500 ? 'server_error' : 'invalid_request_error',
    code: null,
    message: `Mock error (HTTP ${status}).`,
  };
  return { error: { message: known.message, type: known.type, param: null, code: known.code } };
}

/** The catalogues `/v1/models` lists (and `/v1/models/{id}` answers for). */
export const MOCK_OPENAI_MODELS = ['gpt-4o-mini', 'gpt-4o', 'o3-mini', 'text-embedding-3-small'];
export const MOCK_ANTHROPIC_MODELS = ['claude-haiku-4-5', 'claude-sonnet-4-5', 'claude-opus-4-1'];

const isAnthropicRequest = (path: string, headers: IncomingHttpHeaders) => path.startsWith('/v1/messages') || headers['anthropic-version'] !== undefined;

export async function startMockUpstream(): Promise<MockUpstream> {
  const received: ReceivedRequest[] = [];
  const abortWaiters: ((at: number) => void)[] = [];
  const perKey = new Map<string, number>();
  const state: MockUpstream = {
    url: '',
    received,
    holdStream: null,
    extraHeaders: {},
    keyBehaviour: {},
    listsModels: true,
    countByKey: (key) => perKey.get(key) ?? 0,
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
      const credential = credentialOf(req.headers);
      if (credential !== null) perKey.set(credential, (perKey.get(credential) ?? 0) + 1);
      const behaviour = credential !== null && Object.hasOwn(state.keyBehaviour, credential) ? state.keyBehaviour[credential] : undefined;
      if (behaviour === 'reset') {
        // A TCP RST, as from a provider's load balancer dropping the connection: no status, no body.
        req.socket.resetAndDestroy();
        return;
      }
      res.on('close', () => {
        if (!res.writableFinished) abortWaiters.shift()?.(performance.now());
      });
      if (behaviour !== undefined) {
        failWith(behaviour, req, res, state);
        return;
      }
      void answer(req.url ?? '', req.headers, body, res, state);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}

function failWith(status: number, req: http.IncomingMessage, res: http.ServerResponse, state: MockUpstream): void {
  const anthropic = isAnthropicRequest((req.url ?? '').split('?')[0]!, req.headers);
  const text = JSON.stringify(errorBody(status, anthropic));
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...(anthropic ? { 'request-id': ANTHROPIC_REQUEST_ID } : { 'x-request-id': 'upstream-req-1' }),
    ...(status === 429 ? { 'retry-after': '1' } : {}),
    ...state.extraHeaders,
  });
  res.end(text);
}

async function answer(url: string, headers: IncomingHttpHeaders, body: string, res: http.ServerResponse, state: MockUpstream): Promise<void> {
  const path = url.split('?')[0]!;
  const anthropic = isAnthropicRequest(path, headers);
  const json = (status: number, value: unknown) => {
    const text = JSON.stringify(value);
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      'x-request-id': 'upstream-req-1',
      ...(anthropic ? { 'request-id': ANTHROPIC_REQUEST_ID } : {}),
      'set-cookie': 'upstream=1',
      ...state.extraHeaders,
    });
    res.end(text);
  };
  if (path === '/v1/models' && state.listsModels) {
    if (anthropic) {
      const models = MOCK_ANTHROPIC_MODELS.map((id) => ({ type: 'model', id, display_name: id, created_at: '2025-10-01T00:00:00Z' }));
      return json(200, { data: models, has_more: false, first_id: models[0]!.id, last_id: models.at(-1)!.id });
    }
    return json(200, { object: 'list', data: MOCK_OPENAI_MODELS.map((id) => ({ id, object: 'model', created: 1, owned_by: 'mock' })) });
  }
  const modelId = path.startsWith('/v1/models/') && state.listsModels ? path.slice('/v1/models/'.length) : null;
  if (modelId !== null && !anthropic && MOCK_OPENAI_MODELS.includes(modelId)) return json(200, { id: modelId, object: 'model', created: 1, owned_by: 'mock' });
  if (modelId !== null && anthropic && MOCK_ANTHROPIC_MODELS.includes(modelId)) {
    return json(200, { type: 'model', id: modelId, display_name: modelId, created_at: '2025-10-01T00:00:00Z' });
  }
  let request: Record<string, unknown> = {};
  try {
    request = body ? (JSON.parse(body) as Record<string, unknown>) : {};
  } catch {
    if (anthropic)
      return json(400, {
        type: 'error',
        error: { type: 'invalid_request_error', message: 'There was an issue with the format of your request: invalid JSON.' },
      });
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
  if (path === '/v1/messages/count_tokens') return json(200, { input_tokens: 11 });
  if (path === '/v1/messages') {
    if (!request.stream) return json(200, messageAnswer(model));
    // The real stream: message_start (input tokens), one text block in deltas, message_delta (the
    // cumulative output tokens, replacing message_start's), message_stop.
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'request-id': ANTHROPIC_REQUEST_ID,
      ...state.extraHeaders,
    });
    const start = { ...messageAnswer(model), content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 11, output_tokens: 1 } };
    res.write(anthropicEvent('message_start', { message: start }));
    res.write(anthropicEvent('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }));
    res.write(anthropicEvent('ping', {}));
    res.write(anthropicEvent('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'Hello' } }));
    if (state.holdStream) await state.holdStream;
    if (res.destroyed) return;
    for (const text of [' from', ' the mock.']) res.write(anthropicEvent('content_block_delta', { index: 0, delta: { type: 'text_delta', text } }));
    res.write(anthropicEvent('content_block_stop', { index: 0 }));
    res.write(anthropicEvent('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 5 } }));
    res.end(anthropicEvent('message_stop', {}));
    return;
  }
  if (anthropic) return json(404, { type: 'error', error: { type: 'not_found_error', message: `mock has no ${path}` } });
  json(404, { error: { message: `mock has no ${path}`, type: 'invalid_request_error', code: 'not_found' } });
}
