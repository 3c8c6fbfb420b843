// Pass `encode-body`: an edited JSON body is serialised once; an untouched body goes out byte for byte.
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { RequestTrace } from '../../events/request-trace.ts';
import type { ProjectTransformations, TokenRow } from '../../store/types.ts';
import { newExchange, type ProxyExchange } from '../exchange.ts';
import { KeyHealth, KeySelector } from '../key-selector.ts';
import { findEndpoint, providers } from '../providers.ts';
import { ProxyError } from '../errors.ts';
import { encodeBody } from './encode-body.ts';
import { streamUsage } from './stream-usage.ts';
import { transformations } from './transformations.ts';
import { sampleTokenRow } from './test-rows.ts';

const tokenRow = (): TokenRow => sampleTokenRow();

/** As read-body leaves it: `text` is the client's exact bytes. */
function exchange(text: string, rules: ProjectTransformations = {}): ProxyExchange {
  const req = new IncomingMessage(new Socket());
  req.method = 'POST';
  req.url = '/v1/chat/completions';
  const x = newExchange(req, new ServerResponse(req), 'req-1', new RequestTrace(req, 'req-1', 1_000), '/v1/chat/completions', undefined);
  x.auth = {
    token: tokenRow(),
    upstream: {
      projectId: 'proj-1',
      projectName: 'Project',
      provider: providers.openai,
      baseUrl: 'http://127.0.0.1:9',
      keys: new KeySelector(
        [{ id: 'key-1', label: 'default', weight: 1, apiKey: 'sk-upstream-1' }],
        new KeyHealth({ cooldownMs: 1_000, authCooldownMs: 10_000, maxCooldownMs: 20_000 }),
      ),
      limits: { defaultRpm: null, defaultTpm: null, sharedRpm: null, sharedTpm: null, sharedKey: 'fp' },
      cache: { defaultTtlSeconds: null, sharedAcrossTokens: true },
      transformations: rules,
      prices: {},
      monthlyBudgetUsd: null,
    },
  };
  x.provider = providers.openai;
  x.endpoint = findEndpoint(providers.openai, 'POST', '/v1/chat/completions');
  x.body = Buffer.from(text);
  x.json = JSON.parse(text) as Record<string, unknown>;
  x.model = typeof x.json.model === 'string' ? x.json.model : null;
  return x;
}

const CLIENT_TEXT = '{\n  "model": "fast",\n  "messages": [{"role": "user", "content": "Hé ✓"}],\n  "stream": true\n}';

describe('encode-body', () => {
  it('sends an untouched body byte for byte (same Buffer, whitespace kept)', () => {
    const x = exchange(CLIENT_TEXT);
    const before = x.body;
    expect(encodeBody.onRequest(x)).toBeUndefined();
    expect(x.body).toBe(before);
    expect((x.body as Buffer).toString('utf8')).toBe(CLIENT_TEXT);
    expect(x.jsonChanged).toBe(false);
  });

  it('re-serialises an edited body once and clears jsonChanged', () => {
    const x = exchange(CLIENT_TEXT);
    x.json!.model = 'gpt-4o-mini';
    x.jsonChanged = true;
    encodeBody.onRequest(x);
    expect(Buffer.isBuffer(x.body)).toBe(true);
    expect((x.body as Buffer).toString('utf8')).toBe('{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hé ✓"}],"stream":true}');
    expect(x.jsonChanged).toBe(false);
  });

  it('refuses a body nested too deeply to serialise with 400 invalid_json, not a failed pass', () => {
    const x = exchange(CLIENT_TEXT);
    let deep: unknown = 'bottom';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    x.json!.messages = deep;
    x.jsonChanged = true;
    let thrown: unknown;
    try {
      encodeBody.onRequest(x);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ProxyError);
    expect(thrown).toMatchObject({ code: 'invalid_json', status: 400 });
  });

  it('encodes what the passes before it decided (alias, ceiling, prefix, stream usage)', () => {
    const x = exchange(CLIENT_TEXT, { modelAliases: { fast: 'gpt-4o-mini' }, maxTokensCeiling: 500, systemPromptPrefix: 'Be safe.' });
    transformations.onRequest(x);
    streamUsage.onRequest(x);
    encodeBody.onRequest(x);
    expect(JSON.parse((x.body as Buffer).toString('utf8'))).toEqual({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'Be safe.' },
        { role: 'user', content: 'Hé ✓' },
      ],
      stream: true,
      max_completion_tokens: 500,
      stream_options: { include_usage: true },
    });
    // The bytes are the JSON object, not the client's text with edits spliced in.
    expect((x.body as Buffer).toString('utf8')).toBe(JSON.stringify(x.json));
  });

  it('leaves a streamed upload alone', () => {
    const x = exchange('{}');
    const upload = new PassThrough();
    x.body = upload;
    x.json = null;
    x.jsonChanged = true;
    encodeBody.onRequest(x);
    expect(x.body).toBe(upload);
  });
});
