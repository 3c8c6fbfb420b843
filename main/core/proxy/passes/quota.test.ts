// Passes `quota-check` (a spent quota is refused before the cache and the limits) and `quota-claim`
// (one request taken after the rate limits; a lost race gives the rate-limit points back).
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { RequestTrace } from '../../events/request-trace.ts';
import type { LimitTicket } from '../../limits/request-limits.ts';
import type { TokenRow } from '../../store/types.ts';
import type { Authenticated, GateResult, TokenGate } from '../../tokens/token-gate.ts';
import { ProxyError } from '../errors.ts';
import { ProxyRefusal, newExchange, type ProxyExchange } from '../exchange.ts';
import { KeyHealth, KeySelector } from '../key-selector.ts';
import { findEndpoint, providers } from '../providers.ts';
import { quotaCheck, quotaClaim } from './quota.ts';
import { sampleTokenRow } from './test-rows.ts';

const tokenRow = (): TokenRow => sampleTokenRow({ maxRequests: 10, requestCount: 10 });

function exchange(model: string | null, requestedModel: string | null = null): ProxyExchange {
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
      transformations: {},
      prices: {},
      monthlyBudgetUsd: null,
    },
  };
  x.provider = providers.openai;
  x.endpoint = findEndpoint(providers.openai, 'POST', '/v1/chat/completions');
  x.model = model;
  x.requestedModel = requestedModel;
  return x;
}

function recordingTicket(): LimitTicket & { calls: string[] } {
  const calls: string[] = [];
  return { calls, finish: () => void calls.push('finish'), cancel: () => void calls.push('cancel') };
}

async function outcomeOf(run: () => unknown): Promise<unknown> {
  try {
    return await run();
  } catch (err) {
    return err;
  }
}

describe('quota-check', () => {
  it('refuses a spent quota with quota_exceeded, x-should-retry: false and the model details', async () => {
    const asked: Authenticated[] = [];
    const gate: Pick<TokenGate, 'quotaSpent'> = { quotaSpent: (auth) => (asked.push(auth), true) };
    const x = exchange('gpt-4o-mini', 'fast');
    const err = await outcomeOf(() => quotaCheck(gate).onRequest(x));
    expect(err).toBeInstanceOf(ProxyRefusal);
    const refusal = err as ProxyRefusal;
    expect(refusal.code).toBe('quota_exceeded');
    expect(refusal.headers).toEqual({ 'x-should-retry': 'false' });
    expect(refusal.details).toEqual({ model: 'gpt-4o-mini', requested_model: 'fast' });
    expect(asked).toEqual([x.auth]);
    expect(new ProxyError('quota_exceeded').status).toBe(429);
  });

  it('lets a request with quota left through, taking nothing', async () => {
    let claims = 0;
    const gate = { quotaSpent: () => false, claimRequest: async () => (claims++, { ok: true as const, value: null as never }) };
    const x = exchange('gpt-4o');
    expect(await outcomeOf(() => quotaCheck(gate).onRequest(x))).toBeUndefined();
    expect(claims).toBe(0);
  });

  it('has empty details without a model', async () => {
    const err = (await outcomeOf(() => quotaCheck({ quotaSpent: () => true }).onRequest(exchange(null)))) as ProxyRefusal;
    expect(err.details).toEqual({});
  });
});

describe('quota-claim', () => {
  it('takes one request and keeps the rate-limit ticket', async () => {
    const claimed: Authenticated[] = [];
    const gate: Pick<TokenGate, 'claimRequest'> = {
      async claimRequest(auth): Promise<GateResult<Authenticated>> {
        claimed.push(auth);
        return { ok: true, value: auth };
      },
    };
    const x = exchange('gpt-4o');
    const ticket = recordingTicket();
    x.ticket = ticket;
    expect(await outcomeOf(() => quotaClaim(gate).onRequest(x))).toBeUndefined();
    expect(claimed).toEqual([x.auth]);
    expect(x.ticket).toBe(ticket);
    expect(ticket.calls).toEqual([]);
  });

  it('gives the rate-limit slot back when the claim is lost, and refuses without retry', async () => {
    const gate: Pick<TokenGate, 'claimRequest'> = {
      claimRequest: async (auth) => ({ ok: false, refusal: 'quota_exceeded', tokenId: auth.token.id, projectId: auth.token.projectId }),
    };
    const x = exchange('gpt-4o-mini', 'fast');
    const ticket = recordingTicket();
    x.ticket = ticket;
    const err = await outcomeOf(() => quotaClaim(gate).onRequest(x));
    expect(err).toBeInstanceOf(ProxyRefusal);
    expect((err as ProxyRefusal).code).toBe('quota_exceeded');
    expect((err as ProxyRefusal).headers).toEqual({ 'x-should-retry': 'false' });
    expect((err as ProxyRefusal).details).toEqual({ model: 'gpt-4o-mini', requested_model: 'fast' });
    expect(ticket.calls).toEqual(['cancel']);
    expect(x.ticket).toBeNull();
  });

  it('refuses without a ticket to give back (no rate limit applied)', async () => {
    const gate: Pick<TokenGate, 'claimRequest'> = {
      claimRequest: async (auth) => ({ ok: false, refusal: 'quota_exceeded', tokenId: auth.token.id, projectId: auth.token.projectId }),
    };
    const x = exchange(null);
    const err = await outcomeOf(() => quotaClaim(gate).onRequest(x));
    expect((err as ProxyRefusal).code).toBe('quota_exceeded');
    expect(x.ticket).toBeNull();
  });
});
