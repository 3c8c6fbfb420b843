// Pass `rate-limits`: admission takes a ticket and adds the x-ratelimit-* headers to the client's answer;
// a refusal carries the limit's code, headers and message; the answer's end settles the ticket with usage.
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { RequestTrace } from '../../events/request-trace.ts';
import type { ProjectLimits } from '../../limits/policy.ts';
import type { LimitDecision, LimitTicket, RequestLimits } from '../../limits/request-limits.ts';
import type { TokenRow } from '../../store/types.ts';
import { ProxyRefusal, newExchange, type ProxyExchange } from '../exchange.ts';
import type { ForwardResult } from '../forward.ts';
import { KeyHealth, KeySelector } from '../key-selector.ts';
import { findEndpoint, providers } from '../providers.ts';
import { rateLimits } from './rate-limits.ts';
import { sampleTokenRow } from './test-rows.ts';

const LIMITS: ProjectLimits = { defaultRpm: 60, defaultTpm: 10_000, sharedRpm: null, sharedTpm: null, sharedKey: 'fp-1' };
const RESULT: ForwardResult = { status: 200, aborted: false, errorCode: null, upstreamMs: 5, bytesOut: 10, streamed: false, attempts: 1 };

const tokenRow = (): TokenRow => sampleTokenRow({ rpmLimit: 5, maxConcurrent: 2 });

function exchange(model: string | null = 'gpt-4o-mini', requestedModel: string | null = null): ProxyExchange {
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
      limits: LIMITS,
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

function recordingTicket(): LimitTicket & { finished: ({ totalTokens: number } | null)[]; cancelled: number } {
  const ticket = {
    finished: [] as ({ totalTokens: number } | null)[],
    cancelled: 0,
    finish(usage: { totalTokens: number } | null) {
      ticket.finished.push(usage);
    },
    cancel() {
      ticket.cancelled++;
    },
  };
  return ticket;
}

function limitsDeciding(decision: LimitDecision): Pick<RequestLimits, 'admit'> & { calls: unknown[][] } {
  const calls: unknown[][] = [];
  return {
    calls,
    async admit(token, limits) {
      calls.push([token, limits]);
      return decision;
    },
  };
}

async function refusalOf(run: () => unknown): Promise<ProxyRefusal> {
  const err = await Promise.resolve()
    .then(run)
    .then(
      () => null,
      (e: unknown) => e,
    );
  expect(err).toBeInstanceOf(ProxyRefusal);
  return err as ProxyRefusal;
}

describe('rate-limits', () => {
  it("admits with a ticket and adds the limit headers to the client's answer (keeping the cache's)", async () => {
    const ticket = recordingTicket();
    const headers = { 'x-ratelimit-limit-requests': '5', 'x-ratelimit-remaining-requests': '4' };
    const limits = limitsDeciding({ ok: true, headers, ticket });
    const x = exchange();
    x.responseHeaders['x-proxy-cache'] = 'MISS';
    await expect(rateLimits(limits).onRequest(x)).resolves.toBeUndefined();
    expect(limits.calls).toEqual([[x.auth!.token, LIMITS]]);
    expect(x.ticket).toBe(ticket);
    expect(x.responseHeaders).toEqual({ 'x-proxy-cache': 'MISS', ...headers });
    expect(ticket.finished).toEqual([]);
    expect(ticket.cancelled).toBe(0);
  });

  it("refuses with the limit's code, headers, message and details", async () => {
    const headers = { 'retry-after': '12', 'retry-after-ms': '11500', 'x-ratelimit-limit-requests': '5', 'x-ratelimit-remaining-requests': '0' };
    const limits = limitsDeciding({
      ok: false,
      code: 'rate_limited',
      limit: 'token_rpm',
      retryAfterMs: 11_500,
      headers,
      message: 'Rate limit of 5 requests per minute reached.',
      fallback: false,
    });
    const x = exchange('gpt-4o-mini', 'fast');
    const refusal = await refusalOf(() => rateLimits(limits).onRequest(x));
    expect(refusal.code).toBe('rate_limited');
    expect(refusal.headers).toEqual(headers);
    expect(refusal.answerMessage).toBe('Rate limit of 5 requests per minute reached.');
    expect(refusal.details).toEqual({ model: 'gpt-4o-mini', requested_model: 'fast', limit: 'token_rpm' });
    expect(x.ticket).toBeNull();
    expect(x.responseHeaders).toEqual({});
  });

  it('marks a refusal decided without Redis as a fallback', async () => {
    const limits = limitsDeciding({
      ok: false,
      code: 'limits_unavailable',
      limit: 'redis_unreachable',
      retryAfterMs: 1_000,
      headers: { 'retry-after': '1' },
      message: 'later',
      fallback: true,
    });
    const refusal = await refusalOf(() => rateLimits(limits).onRequest(exchange(null)));
    expect(refusal.code).toBe('limits_unavailable');
    expect(refusal.details).toEqual({ limit: 'redis_unreachable', fallback: true });
  });

  it("settles the ticket once with the answer's usage when it ends", async () => {
    const ticket = recordingTicket();
    const pass = rateLimits(limitsDeciding({ ok: true, headers: {}, ticket }));
    const x = exchange();
    await pass.onRequest(x);
    x.usage = { promptTokens: 11, completionTokens: 5, totalTokens: 16 };
    pass.onEnd!(x, RESULT);
    expect(ticket.finished).toEqual([{ promptTokens: 11, completionTokens: 5, totalTokens: 16 }]);
    expect(x.ticket).toBeNull();
    pass.onEnd!(x, RESULT);
    expect(ticket.finished).toHaveLength(1);
    expect(ticket.cancelled).toBe(0);
  });

  it('settles with null usage when the answer reported none', async () => {
    const ticket = recordingTicket();
    const pass = rateLimits(limitsDeciding({ ok: true, headers: {}, ticket }));
    const x = exchange();
    await pass.onRequest(x);
    pass.onEnd!(x, { ...RESULT, status: 502, errorCode: 'upstream_bad_response' });
    expect(ticket.finished).toEqual([null]);
  });

  it('has nothing to settle without a ticket', () => {
    const pass = rateLimits(limitsDeciding({ ok: true, headers: {}, ticket: recordingTicket() }));
    const x = exchange();
    expect(() => pass.onEnd!(x, RESULT)).not.toThrow();
    expect(x.ticket).toBeNull();
  });
});
