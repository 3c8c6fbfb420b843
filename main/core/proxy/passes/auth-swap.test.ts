// Attempt pass `auth-swap`: the attempt's key goes in, in the provider's style, and every other
// credential header goes out; Anthropic's anthropic-version is added unless the client sent one.
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { RequestTrace } from '../../events/request-trace.ts';
import type { Provider } from '../../store/types.ts';
import type { UpstreamKey } from '../../tokens/upstream.ts';
import { newExchange, type ProxyExchange } from '../exchange.ts';
import { providers } from '../providers.ts';
import { authSwap } from './auth-swap.ts';

const KEY: UpstreamKey = { id: 'key-1', label: 'default', weight: 1, apiKey: 'sk-upstream-1' };
const OTHER: UpstreamKey = { id: 'key-2', label: 'spare', weight: 1, apiKey: 'sk-upstream-2' };

/** Every header a credential could hide in, as a misbehaving earlier step might leave them. */
const CLIENT_CREDENTIALS = {
  authorization: 'Bearer llmp_client_token',
  'x-api-key': 'llmp_client_token',
  'api-key': 'llmp_client_token',
  'proxy-authorization': 'Basic cHJveHk=',
};

function exchange(provider: Provider, upstreamHeaders: Record<string, string>): ProxyExchange {
  const req = new IncomingMessage(new Socket());
  req.method = 'POST';
  req.url = '/v1/chat/completions';
  const x = newExchange(req, new ServerResponse(req), 'req-1', new RequestTrace(req, 'req-1', 1_000), '/v1/chat/completions', undefined);
  x.provider = providers[provider];
  x.upstreamHeaders = upstreamHeaders;
  return x;
}

describe('auth-swap', () => {
  it('openai: the key as Bearer, every other credential gone', () => {
    const x = exchange('openai', { ...CLIENT_CREDENTIALS, 'content-type': 'application/json', 'x-request-id': 'req-1' });
    expect(authSwap.onAttempt(x, KEY)).toBeUndefined();
    expect(x.upstreamHeaders).toEqual({ authorization: 'Bearer sk-upstream-1', 'content-type': 'application/json', 'x-request-id': 'req-1' });
  });

  it('openai-compatible: the key as Bearer', () => {
    const x = exchange('openai-compatible', { ...CLIENT_CREDENTIALS });
    authSwap.onAttempt(x, KEY);
    expect(x.upstreamHeaders).toEqual({ authorization: 'Bearer sk-upstream-1' });
  });

  it('azure: the key in api-key, no Authorization', () => {
    const x = exchange('azure', { ...CLIENT_CREDENTIALS, 'content-type': 'application/json' });
    authSwap.onAttempt(x, KEY);
    expect(x.upstreamHeaders).toEqual({ 'api-key': 'sk-upstream-1', 'content-type': 'application/json' });
  });

  it('anthropic: the key in x-api-key, no Authorization, the default anthropic-version added', () => {
    const x = exchange('anthropic', { ...CLIENT_CREDENTIALS, 'content-type': 'application/json' });
    authSwap.onAttempt(x, KEY);
    expect(x.upstreamHeaders).toEqual({ 'x-api-key': 'sk-upstream-1', 'anthropic-version': '2023-06-01', 'content-type': 'application/json' });
  });

  it("anthropic: the client's own anthropic-version (and beta flags) are kept", () => {
    const x = exchange('anthropic', { 'anthropic-version': '2024-10-22', 'anthropic-beta': 'prompt-caching-2024-07-31', 'x-api-key': 'llmp_client_token' });
    authSwap.onAttempt(x, KEY);
    expect(x.upstreamHeaders).toEqual({ 'x-api-key': 'sk-upstream-1', 'anthropic-version': '2024-10-22', 'anthropic-beta': 'prompt-caching-2024-07-31' });
  });

  it('adds no anthropic-version for other providers', () => {
    for (const provider of ['openai', 'openai-compatible', 'azure'] as const) {
      const x = exchange(provider, {});
      authSwap.onAttempt(x, KEY);
      expect(x.upstreamHeaders).not.toHaveProperty('anthropic-version');
    }
  });

  it('replaces the first key with the second on a failover attempt', () => {
    for (const provider of ['openai', 'anthropic', 'azure'] as const) {
      const x = exchange(provider, { 'content-type': 'application/json' });
      authSwap.onAttempt(x, KEY);
      authSwap.onAttempt(x, OTHER);
      expect(JSON.stringify(x.upstreamHeaders)).not.toContain('sk-upstream-1');
      expect(Object.values(x.upstreamHeaders).filter((value) => value.includes('sk-upstream-2'))).toHaveLength(1);
    }
  });
});
