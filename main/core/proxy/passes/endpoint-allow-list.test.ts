// Pass `endpoint-allow-list`: method + path must be one of the provider's endpoints; the endpoint found
// is kept on the exchange for the passes after it.
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { RequestTrace } from '../../events/request-trace.ts';
import type { Provider } from '../../store/types.ts';
import { ProxyRefusal, newExchange, type ProxyExchange } from '../exchange.ts';
import { providers } from '../providers.ts';
import { endpointAllowList } from './endpoint-allow-list.ts';

function exchange(provider: Provider | null, method: string, path: string): ProxyExchange {
  const req = new IncomingMessage(new Socket());
  req.method = method;
  req.url = path;
  const x = newExchange(req, new ServerResponse(req), 'req-1', new RequestTrace(req, 'req-1', 1_000), path, undefined);
  x.provider = provider ? providers[provider] : null;
  return x;
}

function refusalOf(x: ProxyExchange): ProxyRefusal {
  try {
    endpointAllowList.onRequest(x);
  } catch (err) {
    expect(err).toBeInstanceOf(ProxyRefusal);
    return err as ProxyRefusal;
  }
  throw new Error('expected a refusal');
}

describe('endpoint-allow-list', () => {
  it('keeps the matching endpoint on the exchange', () => {
    const chat = exchange('openai', 'POST', '/v1/chat/completions');
    expect(endpointAllowList.onRequest(chat)).toBeUndefined();
    expect(chat.endpoint).toMatchObject({ method: 'POST', body: 'json', hasModel: true, streamsUsage: true, chat: 'openai-chat' });

    const messages = exchange('anthropic', 'POST', '/v1/messages');
    endpointAllowList.onRequest(messages);
    expect(messages.endpoint).toMatchObject({ method: 'POST', body: 'json', hasModel: true, chat: 'anthropic-messages' });

    const upload = exchange('azure', 'POST', '/v1/audio/transcriptions');
    endpointAllowList.onRequest(upload);
    expect(upload.endpoint).toMatchObject({ body: 'multipart', hasModel: true });

    const model = exchange('openai-compatible', 'GET', '/v1/models/ft:gpt-4o-mini:org@acme');
    endpointAllowList.onRequest(model);
    expect(model.endpoint).toMatchObject({ method: 'GET', body: 'none', hasModel: false });
  });

  it("refuses another provider's endpoint with method and path in the details", () => {
    const x = exchange('anthropic', 'POST', '/v1/chat/completions');
    const refusal = refusalOf(x);
    expect(refusal.code).toBe('endpoint_not_allowed');
    expect(refusal.details).toEqual({ method: 'POST', path: '/v1/chat/completions' });
    expect(x.endpoint).toBeNull();
  });

  it('refuses a known path with the wrong method', () => {
    const refusal = refusalOf(exchange('openai', 'GET', '/v1/chat/completions'));
    expect(refusal.details).toEqual({ method: 'GET', path: '/v1/chat/completions' });
  });

  it('refuses paths that only look like an endpoint', () => {
    for (const path of ['/v1/chat/completions/', '/v1/chat/completions/../../admin', '/v2/chat/completions', '/v1/files', '/V1/chat/completions']) {
      expect(refusalOf(exchange('openai', 'POST', path)).code).toBe('endpoint_not_allowed');
    }
  });

  it('cuts a long path to 200 characters in the details', () => {
    const path = `/v1/${'a'.repeat(500)}`;
    const refusal = refusalOf(exchange('openai', 'POST', path));
    expect(refusal.details.path).toBe(path.slice(0, 200));
    expect((refusal.details.path as string).length).toBe(200);
  });

  it('refuses when no provider is known', () => {
    expect(refusalOf(exchange(null, 'POST', '/v1/chat/completions')).code).toBe('endpoint_not_allowed');
  });
});
