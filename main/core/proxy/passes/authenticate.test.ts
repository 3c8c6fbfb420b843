// Pass `authenticate`: the presented token (Bearer or x-api-key) goes to the gate; an admitted one fills
// `x.auth` and `x.provider` and names token and project on the trace; a refused one is a ProxyRefusal.
import { IncomingMessage, ServerResponse, type IncomingHttpHeaders } from 'node:http';
import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { RequestTrace } from '../../events/request-trace.ts';
import type { Provider, TokenRow } from '../../store/types.ts';
import type { Authenticated, GateResult, Refusal, TokenGate } from '../../tokens/token-gate.ts';
import { ProxyRefusal, newExchange, type ProxyExchange } from '../exchange.ts';
import { KeyHealth, KeySelector } from '../key-selector.ts';
import { providers } from '../providers.ts';
import { authenticate } from './authenticate.ts';
import { sampleTokenRow } from './test-rows.ts';

const tokenRow = (): TokenRow => sampleTokenRow();

function authFor(provider: Provider): Authenticated {
  const keys = new KeySelector(
    [{ id: 'key-1', label: 'default', weight: 1, apiKey: 'sk-upstream-1' }],
    new KeyHealth({ cooldownMs: 1_000, authCooldownMs: 10_000, maxCooldownMs: 20_000 }),
  );
  return {
    token: tokenRow(),
    upstream: {
      projectId: 'proj-9',
      projectName: 'Project',
      provider: providers[provider],
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

function exchange(headers: IncomingHttpHeaders): ProxyExchange {
  const req = new IncomingMessage(new Socket());
  req.method = 'POST';
  req.url = '/v1/chat/completions';
  req.headers = headers;
  return newExchange(req, new ServerResponse(req), 'req-1', new RequestTrace(req, 'req-1', 1_000), '/v1/chat/completions', undefined);
}

/** TokenGate.authenticate answering `result`, recording the raw tokens it was shown. */
function gateAnswering(result: GateResult<Authenticated>): Pick<TokenGate, 'authenticate'> & { seen: (string | null)[] } {
  const seen: (string | null)[] = [];
  return {
    seen,
    async authenticate(raw) {
      seen.push(raw);
      return result;
    },
  };
}

const refused = (refusal: Refusal, tokenId: string | null, projectId: string | null): GateResult<Authenticated> => ({ ok: false, refusal, tokenId, projectId });

describe('authenticate', () => {
  it('admits a Bearer token: auth, provider and trace identity are set', async () => {
    const auth = authFor('anthropic');
    const gate = gateAnswering({ ok: true, value: auth });
    const x = exchange({ authorization: 'Bearer llmp_token_1' });
    await expect(authenticate(gate).onRequest(x)).resolves.toBeUndefined();
    expect(gate.seen).toEqual(['llmp_token_1']);
    expect(x.auth).toBe(auth);
    expect(x.provider).toBe(providers.anthropic);
    expect(x.trace.tokenId).toBe('tok-1');
    expect(x.trace.projectId).toBe('proj-9');
  });

  it('takes the token from x-api-key when there is no Authorization (Anthropic-style clients)', async () => {
    const gate = gateAnswering({ ok: true, value: authFor('anthropic') });
    await authenticate(gate).onRequest(exchange({ 'x-api-key': 'llmp_token_2' }));
    expect(gate.seen).toEqual(['llmp_token_2']);
  });

  it('prefers Authorization over x-api-key', async () => {
    const gate = gateAnswering({ ok: true, value: authFor('openai') });
    await authenticate(gate).onRequest(exchange({ authorization: 'Bearer llmp_from_bearer', 'x-api-key': 'llmp_from_x_api_key' }));
    expect(gate.seen).toEqual(['llmp_from_bearer']);
  });

  it('presents no token for a non-Bearer Authorization, even with an x-api-key beside it', async () => {
    const gate = gateAnswering(refused('invalid_api_key', null, null));
    await expect(authenticate(gate).onRequest(exchange({ authorization: 'Basic dXNlcjpwYXNz', 'x-api-key': 'llmp_x' }))).rejects.toBeInstanceOf(ProxyRefusal);
    expect(gate.seen).toEqual([null]);
  });

  it('presents no token when the request carries none', async () => {
    const gate = gateAnswering(refused('invalid_api_key', null, null));
    const x = exchange({});
    const err = await Promise.resolve(authenticate(gate).onRequest(x)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProxyRefusal);
    expect((err as ProxyRefusal).code).toBe('invalid_api_key');
    expect((err as ProxyRefusal).details).toEqual({});
    expect(gate.seen).toEqual([null]);
    expect(x.auth).toBeNull();
    expect(x.provider).toBeNull();
    expect(x.trace.tokenId).toBeNull();
    expect(x.trace.projectId).toBeNull();
  });

  it.each(['token_revoked', 'token_expired', 'project_inactive'] as const)(
    "refuses with the gate's %s and names the known token and project on the trace",
    async (code) => {
      const gate = gateAnswering(refused(code, 'tok-7', 'proj-7'));
      const x = exchange({ authorization: 'Bearer llmp_old' });
      const err = await Promise.resolve(authenticate(gate).onRequest(x)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProxyRefusal);
      expect((err as ProxyRefusal).code).toBe(code);
      expect(x.auth).toBeNull();
      expect(x.trace.tokenId).toBe('tok-7');
      expect(x.trace.projectId).toBe('proj-7');
    },
  );
});
