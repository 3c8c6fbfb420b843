// Pass `read-body`: JSON bodies are buffered and parsed whatever their Content-Type (the model comes from
// the body), multipart uploads stream through unless the token restricts models, bodies over the cap
// are refused, endpoints without a body read nothing.
import { IncomingMessage, ServerResponse, type IncomingHttpHeaders } from 'node:http';
import { Socket } from 'node:net';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { RequestTrace } from '../../events/request-trace.ts';
import type { TokenRow } from '../../store/types.ts';
import type { Authenticated } from '../../tokens/token-gate.ts';
import { ProxyError } from '../errors.ts';
import { newExchange, type ProxyExchange } from '../exchange.ts';
import { KeyHealth, KeySelector } from '../key-selector.ts';
import { findEndpoint, providers } from '../providers.ts';
import { readRequestBody } from './read-body.ts';
import { sampleTokenRow } from './test-rows.ts';

const LIMIT = 1_024;

const tokenRow = (allowedModels: string[] | null): TokenRow => sampleTokenRow({ allowedModels });

function authFor(allowedModels: string[] | null): Authenticated {
  const keys = new KeySelector(
    [{ id: 'key-1', label: 'default', weight: 1, apiKey: 'sk-upstream-1' }],
    new KeyHealth({ cooldownMs: 1_000, authCooldownMs: 10_000, maxCooldownMs: 20_000 }),
  );
  return {
    token: tokenRow(allowedModels),
    upstream: {
      projectId: 'proj-1',
      projectName: 'Project',
      provider: providers.openai,
      baseUrl: 'http://127.0.0.1:9',
      keys,
      limits: { defaultRpm: null, defaultTpm: null, sharedRpm: null, sharedTpm: null, sharedKey: 'fp' },
      cache: { defaultTtlSeconds: null, sharedAcrossTokens: true },
      transformations: {},
      prices: {},
      monthlyBudgetUsd: null,
    },
  };
}

/** A request whose body is `body` (already complete, as a Node server hands it over). */
function exchange(opts: {
  method?: string;
  path: string;
  headers?: IncomingHttpHeaders;
  body?: Buffer | string;
  allowedModels?: string[] | null;
}): ProxyExchange {
  const method = opts.method ?? 'POST';
  const req = new IncomingMessage(new Socket());
  req.method = method;
  req.url = opts.path;
  req.headers = opts.headers ?? {};
  if (opts.body !== undefined) req.push(Buffer.from(opts.body));
  req.complete = true;
  req.push(null);
  const x = newExchange(req, new ServerResponse(req), 'req-1', new RequestTrace(req, 'req-1', 1_000), opts.path, undefined);
  x.auth = authFor(opts.allowedModels ?? null);
  x.provider = providers.openai;
  x.endpoint = findEndpoint(x.provider, method, opts.path);
  if (!x.endpoint) throw new Error(`no endpoint ${method} ${opts.path}`);
  return x;
}

async function failureOf(x: ProxyExchange, limit = LIMIT): Promise<ProxyError> {
  const err = await Promise.resolve(readRequestBody(limit).onRequest(x)).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ProxyError);
  return err as ProxyError;
}

async function multipart(fields: [string, string | Blob][]): Promise<{ body: Buffer; contentType: string }> {
  const form = new FormData();
  for (const [name, value] of fields) form.append(name, value);
  const response = new Response(form);
  return { body: Buffer.from(await response.arrayBuffer()), contentType: response.headers.get('content-type')! };
}

async function drain(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('read-body: JSON', () => {
  it('refuses a body that names a top-level key twice: the upstream must see the model that was judged', async () => {
    for (const text of ['{"model":"gpt-4o-mini","model":"gpt-4o"}', '{"model":"gpt-4o-mini","messages":[],"mod\\u0065l":"o3"}']) {
      const err = await failureOf(
        exchange({ path: '/v1/chat/completions', headers: { 'content-type': 'application/json' }, body: text, allowedModels: ['gpt-4o-mini'] }),
      );
      expect(err.code).toBe('invalid_json');
      expect(err.status).toBe(400);
      expect(err.message).toContain('"model" more than once');
    }
  });

  it("keeps the client's bytes as they are and parses them once", async () => {
    const text = '{ "model" : "gpt-4o",\n  "messages": [ {"role":"user","content":"Hi"} ] }';
    const x = exchange({ path: '/v1/chat/completions', headers: { 'content-type': 'application/json' }, body: text });
    await expect(readRequestBody(LIMIT).onRequest(x)).resolves.toBeUndefined();
    expect(Buffer.isBuffer(x.body)).toBe(true);
    expect((x.body as Buffer).toString('utf8')).toBe(text);
    expect(x.json).toEqual({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }] });
    expect(x.model).toBe('gpt-4o');
    expect(x.jsonChanged).toBe(false);
  });

  it('parses the body whatever the Content-Type says (the model cannot slip past the list)', async () => {
    for (const contentType of ['text/plain', 'application/json; foo=bar', undefined]) {
      const x = exchange({ path: '/v1/chat/completions', headers: contentType ? { 'content-type': contentType } : {}, body: '{"model":"gpt-4o"}' });
      await readRequestBody(LIMIT).onRequest(x);
      expect(x.model).toBe('gpt-4o');
      expect(x.json).toEqual({ model: 'gpt-4o' });
    }
  });

  it('has no model when the body names none or a non-string one', async () => {
    for (const body of ['{"messages":[]}', '{"model":42}', '{"model":null}', '{"model":["gpt-4o"]}']) {
      const x = exchange({ path: '/v1/chat/completions', body });
      await readRequestBody(LIMIT).onRequest(x);
      expect(x.model).toBeNull();
      expect(x.json).toEqual(JSON.parse(body));
    }
  });

  it('refuses a body that is not JSON with invalid_json (a failure, not a refusal)', async () => {
    const err = await failureOf(exchange({ path: '/v1/chat/completions', body: '{"model":' }));
    expect(err.code).toBe('invalid_json');
    expect(err.status).toBe(400);
    expect(err.message).toBe('Request body is not valid JSON.');
  });

  it('refuses an empty JSON body', async () => {
    expect((await failureOf(exchange({ path: '/v1/chat/completions' }))).code).toBe('invalid_json');
  });

  it('refuses JSON that is not an object', async () => {
    for (const body of ['[{"model":"gpt-4o"}]', 'null', '"gpt-4o"', '42', 'true']) {
      const x = exchange({ path: '/v1/chat/completions', body });
      const err = await failureOf(x);
      expect(err.code).toBe('invalid_json');
      expect(err.message).toBe('Request body must be a JSON object.');
      expect(x.json).toBeNull();
      expect(x.body).toBeNull();
    }
  });

  it('refuses a body over the cap with body_too_large (by its length, or by what arrives)', async () => {
    const big = JSON.stringify({ model: 'gpt-4o', input: 'x'.repeat(LIMIT) });
    const declared = await failureOf(exchange({ path: '/v1/embeddings', headers: { 'content-length': String(big.length) }, body: big }));
    expect(declared.code).toBe('body_too_large');
    const chunked = await failureOf(exchange({ path: '/v1/embeddings', body: big }));
    expect(chunked.code).toBe('body_too_large');
    // Just under the cap is fine.
    const fits = JSON.stringify({ model: 'm', input: 'x'.repeat(LIMIT - 40) });
    const x = exchange({ path: '/v1/embeddings', body: fits });
    await readRequestBody(LIMIT).onRequest(x);
    expect((x.body as Buffer).length).toBe(fits.length);
  });
});

describe('read-body: endpoints without a body', () => {
  it('reads nothing for GET /v1/models', async () => {
    const x = exchange({ method: 'GET', path: '/v1/models' });
    await readRequestBody(LIMIT).onRequest(x);
    expect(x.body).toBeNull();
    expect(x.json).toBeNull();
    expect(x.model).toBeNull();
    expect(x.req.readableEnded).toBe(false);
  });
});

describe('read-body: multipart uploads', () => {
  it('streams the upload through, byte for byte, when the token does not restrict models', async () => {
    const { body, contentType } = await multipart([
      ['model', 'whisper-1'],
      ['file', new Blob([Buffer.from('RIFF-audio')], { type: 'audio/wav' })],
    ]);
    const x = exchange({ path: '/v1/audio/transcriptions', headers: { 'content-type': contentType }, body });
    await readRequestBody(LIMIT).onRequest(x);
    expect(x.body).toBeInstanceOf(Readable);
    expect(Buffer.isBuffer(x.body)).toBe(false);
    expect(x.model).toBeNull();
    expect(x.json).toBeNull();
    expect((await drain(x.body as Readable)).equals(body)).toBe(true);
  });

  it('streams an upload over the cap into a body_too_large error', async () => {
    const { body, contentType } = await multipart([
      ['model', 'whisper-1'],
      ['file', new Blob([Buffer.alloc(LIMIT * 2)])],
    ]);
    const x = exchange({ path: '/v1/audio/transcriptions', headers: { 'content-type': contentType }, body });
    await readRequestBody(LIMIT).onRequest(x);
    const err = await drain(x.body as Readable).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ProxyError);
    expect((err as ProxyError).code).toBe('body_too_large');
  });

  it('buffers the upload and reads its model field when the token restricts models', async () => {
    const { body, contentType } = await multipart([
      ['model', 'whisper-1'],
      ['file', new Blob([Buffer.from('RIFF-audio')])],
    ]);
    const x = exchange({ path: '/v1/audio/transcriptions', headers: { 'content-type': contentType }, body, allowedModels: ['whisper-*'] });
    await readRequestBody(LIMIT).onRequest(x);
    expect(Buffer.isBuffer(x.body)).toBe(true);
    expect((x.body as Buffer).equals(body)).toBe(true);
    expect(x.model).toBe('whisper-1');
    expect(x.json).toBeNull();
  });

  it('finds no model in an upload with two model fields, or none, or a non-multipart type', async () => {
    const two = await multipart([
      ['model', 'whisper-1'],
      ['model', 'gpt-4o-transcribe'],
    ]);
    const a = exchange({ path: '/v1/audio/transcriptions', headers: { 'content-type': two.contentType }, body: two.body, allowedModels: ['*'] });
    await readRequestBody(LIMIT).onRequest(a);
    expect(a.model).toBeNull();

    const none = await multipart([['file', new Blob([Buffer.from('x')])]]);
    const b = exchange({ path: '/v1/audio/transcriptions', headers: { 'content-type': none.contentType }, body: none.body, allowedModels: ['*'] });
    await readRequestBody(LIMIT).onRequest(b);
    expect(b.model).toBeNull();

    const one = await multipart([['model', 'whisper-1']]);
    const c = exchange({ path: '/v1/audio/transcriptions', headers: { 'content-type': 'application/octet-stream' }, body: one.body, allowedModels: ['*'] });
    await readRequestBody(LIMIT).onRequest(c);
    expect(c.model).toBeNull();
    expect((c.body as Buffer).equals(one.body)).toBe(true);
  });

  it('refuses a buffered upload over the cap', async () => {
    const { body, contentType } = await multipart([
      ['model', 'whisper-1'],
      ['file', new Blob([Buffer.alloc(LIMIT * 2)])],
    ]);
    const err = await failureOf(exchange({ path: '/v1/audio/transcriptions', headers: { 'content-type': contentType }, body, allowedModels: ['whisper-1'] }));
    expect(err.code).toBe('body_too_large');
  });
});
