// Pass `upstream-keys`: a project without any enabled key is refused (503 no_upstream_key) before
// anything is read; which key answers is decided per attempt, not here.
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { RequestTrace } from '../../events/request-trace.ts';
import type { TokenRow } from '../../store/types.ts';
import type { Authenticated } from '../../tokens/token-gate.ts';
import type { UpstreamKey } from '../../tokens/upstream.ts';
import { ProxyError } from '../errors.ts';
import { ProxyRefusal, newExchange, type ProxyExchange } from '../exchange.ts';
import { KeyHealth, KeySelector } from '../key-selector.ts';
import { providers } from '../providers.ts';
import { upstreamKeys } from './upstream-keys.ts';
import { sampleTokenRow } from './test-rows.ts';

const tokenRow = (): TokenRow => sampleTokenRow();

const health = new KeyHealth({ cooldownMs: 1_000, authCooldownMs: 10_000, maxCooldownMs: 20_000 });

function exchange(keys: UpstreamKey[]): ProxyExchange {
  const req = new IncomingMessage(new Socket());
  req.method = 'POST';
  req.url = '/v1/chat/completions';
  const x = newExchange(req, new ServerResponse(req), 'req-1', new RequestTrace(req, 'req-1', 1_000), '/v1/chat/completions', undefined);
  const auth: Authenticated = {
    token: tokenRow(),
    upstream: {
      projectId: 'proj-1',
      projectName: 'Project',
      provider: providers.openai,
      baseUrl: 'http://127.0.0.1:9',
      keys: new KeySelector(keys, health),
      limits: { defaultRpm: null, defaultTpm: null, sharedRpm: null, sharedTpm: null, sharedKey: 'fp' },
      cache: { defaultTtlSeconds: null, sharedAcrossTokens: true },
      transformations: {},
      prices: {},
      monthlyBudgetUsd: null,
    },
  };
  x.auth = auth;
  x.provider = providers.openai;
  return x;
}

describe('upstream-keys', () => {
  it('refuses a project whose keys are all disabled with no_upstream_key (503)', () => {
    const x = exchange([]);
    let caught: unknown;
    try {
      upstreamKeys.onRequest(x);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ProxyRefusal);
    expect((caught as ProxyRefusal).code).toBe('no_upstream_key');
    expect((caught as ProxyRefusal).details).toEqual({});
    expect(new ProxyError('no_upstream_key').status).toBe(503);
  });

  it('lets a project with keys through without picking one (keys are chosen per attempt)', () => {
    const x = exchange([
      { id: 'key-1', label: 'a', weight: 1, apiKey: 'sk-1' },
      { id: 'key-2', label: 'b', weight: 3, apiKey: 'sk-2' },
    ]);
    expect(upstreamKeys.onRequest(x)).toBeUndefined();
    expect(x.key).toBeNull();
    expect(x.attempts).toBe(0);
    expect(x.upstreamHeaders).toEqual({});
  });

  it('lets a project through whose only key is cooling down (a degraded answer beats none)', () => {
    const x = exchange([{ id: 'key-cool', label: 'a', weight: 1, apiKey: 'sk-1' }]);
    health.reportFailure('key-cool', { code: 'status_500', status: 500 }, Date.now());
    expect(upstreamKeys.onRequest(x)).toBeUndefined();
  });
});
