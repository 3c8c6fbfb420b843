// Pass `header-rules`: the project's setHeaders/removeHeaders on the upstream request. Credentials stay
// out of reach: auth-swap runs after it on every attempt and always wins.
import { IncomingMessage, ServerResponse, type IncomingHttpHeaders } from 'node:http';
import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { RequestTrace } from '../../events/request-trace.ts';
import type { ProjectTransformations, Provider, TokenRow } from '../../store/types.ts';
import { newExchange, type ProxyExchange } from '../exchange.ts';
import { KeyHealth, KeySelector } from '../key-selector.ts';
import { providers } from '../providers.ts';
import { authSwap } from './auth-swap.ts';
import { headerHygiene } from './header-hygiene.ts';
import { headerRules } from './header-rules.ts';
import { sampleTokenRow } from './test-rows.ts';

const KEY = { id: 'key-1', label: 'default', weight: 1, apiKey: 'sk-upstream-1' };

const tokenRow = (): TokenRow => sampleTokenRow();

function exchange(provider: Provider, rules: ProjectTransformations, clientHeaders: IncomingHttpHeaders = {}): ProxyExchange {
  const req = new IncomingMessage(new Socket());
  req.method = 'POST';
  req.url = '/v1/chat/completions';
  req.headers = clientHeaders;
  const x = newExchange(req, new ServerResponse(req), 'req-1', new RequestTrace(req, 'req-1', 1_000), '/v1/chat/completions', undefined);
  x.auth = {
    token: tokenRow(),
    upstream: {
      projectId: 'proj-1',
      projectName: 'Project',
      provider: providers[provider],
      baseUrl: 'http://127.0.0.1:9',
      keys: new KeySelector([KEY], new KeyHealth({ cooldownMs: 1_000, authCooldownMs: 10_000, maxCooldownMs: 20_000 })),
      limits: { defaultRpm: null, defaultTpm: null, sharedRpm: null, sharedTpm: null, sharedKey: 'fp' },
      cache: { defaultTtlSeconds: null, sharedAcrossTokens: true },
      transformations: rules,
      prices: {},
      monthlyBudgetUsd: null,
    },
  };
  x.provider = providers[provider];
  return x;
}

/** The built-in order: hygiene, rules (request passes), then auth-swap on the attempt. */
function prepare(x: ProxyExchange): Record<string, string> {
  headerHygiene.onRequest(x);
  headerRules.onRequest(x);
  authSwap.onAttempt(x, KEY);
  return x.upstreamHeaders;
}

describe('header-rules', () => {
  it('sets and removes headers (names lower-cased), leaving the rest alone', () => {
    const x = exchange('openai', { setHeaders: { 'X-Team': 'search', 'OpenAI-Organization': 'org-1' }, removeHeaders: ['X-Debug', 'user-agent'] });
    x.upstreamHeaders = { 'x-debug': '1', 'user-agent': 'curl/8', 'content-type': 'application/json', 'openai-organization': 'org-client' };
    expect(headerRules.onRequest(x)).toBeUndefined();
    expect(x.upstreamHeaders).toEqual({ 'content-type': 'application/json', 'x-team': 'search', 'openai-organization': 'org-1' });
  });

  it('removes before it sets', () => {
    const x = exchange('openai', { setHeaders: { 'x-env': 'prod' }, removeHeaders: ['x-env'] });
    x.upstreamHeaders = { 'x-env': 'dev' };
    headerRules.onRequest(x);
    expect(x.upstreamHeaders).toEqual({ 'x-env': 'prod' });
  });

  it('ignores a removed header that is not there and changes nothing without rules', () => {
    const x = exchange('openai', { removeHeaders: ['x-absent'] });
    x.upstreamHeaders = { 'content-type': 'application/json' };
    headerRules.onRequest(x);
    expect(x.upstreamHeaders).toEqual({ 'content-type': 'application/json' });

    const none = exchange('openai', { modelAliases: { a: 'b' } });
    none.upstreamHeaders = { 'content-type': 'application/json' };
    headerRules.onRequest(none);
    expect(none.upstreamHeaders).toEqual({ 'content-type': 'application/json' });
  });
});

describe('header-rules, then auth-swap', () => {
  // The contract refuses credential names in rules; a row that holds them anyway (an older version, a
  // hand-edited database) must still never decide the upstream credential.
  const credentialRules: ProjectTransformations = {
    setHeaders: { authorization: 'Bearer sk-rule', 'x-api-key': 'sk-rule', 'api-key': 'sk-rule', 'x-team': 'search' },
  };
  const clientCredentials: IncomingHttpHeaders = {
    authorization: 'Bearer llmp_client',
    'x-api-key': 'llmp_client',
    'api-key': 'llmp_client',
    'content-type': 'application/json',
  };

  it('openai: Bearer with the project key only', () => {
    const headers = prepare(exchange('openai', credentialRules, clientCredentials));
    expect(headers).toEqual({
      authorization: 'Bearer sk-upstream-1',
      'x-team': 'search',
      'content-type': 'application/json',
      'accept-encoding': 'identity',
      'x-request-id': 'req-1',
    });
  });

  it('openai-compatible: Bearer with the project key only', () => {
    const headers = prepare(exchange('openai-compatible', credentialRules, clientCredentials));
    expect(headers.authorization).toBe('Bearer sk-upstream-1');
    expect(headers).not.toHaveProperty('x-api-key');
    expect(headers).not.toHaveProperty('api-key');
  });

  it('azure: api-key with the project key only', () => {
    const headers = prepare(exchange('azure', credentialRules, clientCredentials));
    expect(headers['api-key']).toBe('sk-upstream-1');
    expect(headers).not.toHaveProperty('authorization');
    expect(headers).not.toHaveProperty('x-api-key');
    expect(headers['x-team']).toBe('search');
  });

  it('anthropic: x-api-key with the project key only, and the default anthropic-version', () => {
    const headers = prepare(exchange('anthropic', credentialRules, clientCredentials));
    expect(headers).toEqual({
      'x-api-key': 'sk-upstream-1',
      'anthropic-version': '2023-06-01',
      'x-team': 'search',
      'content-type': 'application/json',
      'accept-encoding': 'identity',
      'x-request-id': 'req-1',
    });
  });

  it("anthropic: the client's anthropic-version is kept, and a rule may set one", () => {
    const client = prepare(exchange('anthropic', {}, { 'x-api-key': 'llmp_client', 'anthropic-version': '2024-10-22' }));
    expect(client['anthropic-version']).toBe('2024-10-22');
    const rule = prepare(
      exchange('anthropic', { setHeaders: { 'anthropic-version': '2025-01-01' } }, { 'x-api-key': 'llmp_client', 'anthropic-version': '2024-10-22' }),
    );
    expect(rule['anthropic-version']).toBe('2025-01-01');
    // Removed by a rule: the provider's default comes back.
    const removed = prepare(exchange('anthropic', { removeHeaders: ['anthropic-version'] }, { 'anthropic-version': '2024-10-22' }));
    expect(removed['anthropic-version']).toBe('2023-06-01');
  });

  it('never lets a client credential through, whatever the rules remove', () => {
    for (const provider of ['openai', 'anthropic', 'azure', 'openai-compatible'] as const) {
      const headers = prepare(exchange(provider, { removeHeaders: ['authorization', 'x-api-key', 'api-key'] }, clientCredentials));
      expect(JSON.stringify(headers)).not.toContain('llmp_client');
      expect(JSON.stringify(headers)).toContain('sk-upstream-1');
    }
  });
});
