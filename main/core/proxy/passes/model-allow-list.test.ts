// Pass `model-allow-list`: the token's globs are checked against the model the request will really use
// (after transformations), so an alias cannot reach a model the token may not.
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { RequestTrace } from '../../events/request-trace.ts';
import type { ProjectTransformations, Provider, TokenRow } from '../../store/types.ts';
import { modelAllowed } from '../../tokens/models.ts';
import type { Authenticated, GateResult, TokenGate } from '../../tokens/token-gate.ts';
import { ProxyRefusal, newExchange, type ProxyExchange } from '../exchange.ts';
import { KeyHealth, KeySelector } from '../key-selector.ts';
import { findEndpoint, providers } from '../providers.ts';
import { modelAllowList } from './model-allow-list.ts';
import { transformations } from './transformations.ts';
import { sampleTokenRow } from './test-rows.ts';

const tokenRow = (allowedModels: string[] | null): TokenRow => sampleTokenRow({ allowedModels });

function authFor(provider: Provider, allowedModels: string[] | null, rules: ProjectTransformations): Authenticated {
  const keys = new KeySelector(
    [{ id: 'key-1', label: 'default', weight: 1, apiKey: 'sk-upstream-1' }],
    new KeyHealth({ cooldownMs: 1_000, authCooldownMs: 10_000, maxCooldownMs: 20_000 }),
  );
  return {
    token: tokenRow(allowedModels),
    upstream: {
      projectId: 'proj-1',
      projectName: 'Project',
      provider: providers[provider],
      baseUrl: 'http://127.0.0.1:9',
      keys,
      limits: { defaultRpm: null, defaultTpm: null, sharedRpm: null, sharedTpm: null, sharedKey: 'fp' },
      cache: { defaultTtlSeconds: null, sharedAcrossTokens: true },
      transformations: rules,
      prices: {},
      monthlyBudgetUsd: null,
    },
  };
}

function exchange(opts: {
  path?: string;
  json: Record<string, unknown> | null;
  allowedModels: string[] | null;
  rules?: ProjectTransformations;
}): ProxyExchange {
  const path = opts.path ?? '/v1/chat/completions';
  const req = new IncomingMessage(new Socket());
  req.method = 'POST';
  req.url = path;
  const x = newExchange(req, new ServerResponse(req), 'req-1', new RequestTrace(req, 'req-1', 1_000), path, undefined);
  x.auth = authFor('openai', opts.allowedModels, opts.rules ?? {});
  x.provider = providers.openai;
  x.endpoint = findEndpoint(x.provider, 'POST', path);
  x.json = opts.json;
  x.body = opts.json ? Buffer.from(JSON.stringify(opts.json)) : null;
  x.model = typeof opts.json?.model === 'string' ? opts.json.model : null;
  return x;
}

/** TokenGate.checkModel with the real glob matching, recording what it was asked. */
function recordingGate(): Pick<TokenGate, 'checkModel'> & { calls: { auth: Authenticated; model: string | null }[] } {
  const calls: { auth: Authenticated; model: string | null }[] = [];
  return {
    calls,
    checkModel(auth, model): GateResult<Authenticated> {
      calls.push({ auth, model });
      return modelAllowed(auth.token.allowedModels, model)
        ? { ok: true, value: auth }
        : { ok: false, refusal: 'model_not_allowed', tokenId: auth.token.id, projectId: auth.token.projectId };
    },
  };
}

function refusalOf(fn: () => unknown): ProxyRefusal {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ProxyRefusal);
    return err as ProxyRefusal;
  }
  throw new Error('expected a refusal');
}

describe('model-allow-list', () => {
  it('refuses an alias that resolves to a forbidden model, naming both in the details', () => {
    const gate = recordingGate();
    const x = exchange({ json: { model: 'fast', messages: [] }, allowedModels: ['fast', 'gpt-4o-mini'], rules: { modelAliases: { fast: 'gpt-4o' } } });
    transformations.onRequest(x);
    const refusal = refusalOf(() => modelAllowList(gate).onRequest(x));
    expect(refusal.code).toBe('model_not_allowed');
    expect(refusal.details).toEqual({ model: 'gpt-4o', requested_model: 'fast' });
    expect(refusal.headers).toBeUndefined();
    expect(gate.calls).toHaveLength(1);
    expect(gate.calls[0]!.model).toBe('gpt-4o');
    expect(gate.calls[0]!.auth).toBe(x.auth);
  });

  it('admits an alias to an allowed model even when the alias name itself is not on the list', () => {
    const gate = recordingGate();
    const x = exchange({ json: { model: 'fast', messages: [] }, allowedModels: ['gpt-4o-mini'], rules: { modelAliases: { fast: 'gpt-4o-mini' } } });
    transformations.onRequest(x);
    expect(modelAllowList(gate).onRequest(x)).toBeUndefined();
    expect(gate.calls.map((c) => c.model)).toEqual(['gpt-4o-mini']);
    expect(x.trace.model).toBe('gpt-4o-mini');
  });

  it('checks the default model when the request names none', () => {
    const gate = recordingGate();
    const x = exchange({ json: { messages: [] }, allowedModels: ['gpt-4o-mini'], rules: { defaultModel: 'gpt-4o' } });
    transformations.onRequest(x);
    const refusal = refusalOf(() => modelAllowList(gate).onRequest(x));
    expect(refusal.details).toEqual({ model: 'gpt-4o' });
    expect(gate.calls.map((c) => c.model)).toEqual(['gpt-4o']);
  });

  it('refuses a plain forbidden model with only `model` in the details', () => {
    const gate = recordingGate();
    const x = exchange({ json: { model: 'gpt-4o', messages: [] }, allowedModels: ['gpt-4o-mini*'] });
    const refusal = refusalOf(() => modelAllowList(gate).onRequest(x));
    expect(refusal.code).toBe('model_not_allowed');
    expect(refusal.details).toEqual({ model: 'gpt-4o' });
  });

  it('refuses a restricted token a request without any model, with empty details', () => {
    const gate = recordingGate();
    const x = exchange({ json: { messages: [] }, allowedModels: ['gpt-4o-mini'] });
    const refusal = refusalOf(() => modelAllowList(gate).onRequest(x));
    expect(refusal.details).toEqual({});
    expect(gate.calls.map((c) => c.model)).toEqual([null]);
  });

  it('records the resolved model on the trace, even when refused', () => {
    const gate = recordingGate();
    const x = exchange({ json: { model: 'fast' }, allowedModels: [], rules: { modelAliases: { fast: 'gpt-4o' } } });
    transformations.onRequest(x);
    refusalOf(() => modelAllowList(gate).onRequest(x));
    expect(x.trace.model).toBe('gpt-4o');
  });

  it('asks about no model on an endpoint that has none (moderations), whatever the body says', () => {
    const gate = recordingGate();
    const x = exchange({ path: '/v1/moderations', json: { model: 'omni-moderation-latest', input: 'x' }, allowedModels: null });
    expect(modelAllowList(gate).onRequest(x)).toBeUndefined();
    expect(gate.calls.map((c) => c.model)).toEqual([null]);
  });

  it('lets an unrestricted token through with the model it asked for', () => {
    const gate = recordingGate();
    const x = exchange({ json: { model: 'anything-at-all' }, allowedModels: null });
    expect(modelAllowList(gate).onRequest(x)).toBeUndefined();
    expect(gate.calls.map((c) => c.model)).toEqual(['anything-at-all']);
  });
});
