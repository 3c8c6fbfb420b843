// Pass `transformations`: model aliases and the default model, the token-budget ceiling and the system
// prompt prefix, on the parsed JSON body (read-body's `x.json`), per endpoint kind and provider.
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { RequestTrace } from '../../events/request-trace.ts';
import type { ProjectTransformations, Provider, TokenRow } from '../../store/types.ts';
import type { Authenticated } from '../../tokens/token-gate.ts';
import { newExchange, type ProxyExchange } from '../exchange.ts';
import { KeyHealth, KeySelector } from '../key-selector.ts';
import { findEndpoint, providers } from '../providers.ts';
import { transformations } from './transformations.ts';
import { sampleTokenRow } from './test-rows.ts';

const PREFIX = 'Answer in French.';

const tokenRow = (): TokenRow => sampleTokenRow();

function authFor(provider: Provider, rules: ProjectTransformations): Authenticated {
  const keys = new KeySelector(
    [{ id: 'key-1', label: 'default', weight: 1, apiKey: 'sk-upstream-1' }],
    new KeyHealth({ cooldownMs: 1_000, authCooldownMs: 10_000, maxCooldownMs: 20_000 }),
  );
  return {
    token: tokenRow(),
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

/** An exchange as read-body leaves it: endpoint found, body bytes, parsed JSON and its model. */
function exchange(provider: Provider, path: string, json: Record<string, unknown>, rules: ProjectTransformations): ProxyExchange {
  const req = new IncomingMessage(new Socket());
  req.method = 'POST';
  req.url = path;
  req.headers = { 'content-type': 'application/json' };
  const x = newExchange(req, new ServerResponse(req), 'req-1', new RequestTrace(req, 'req-1', 1_000), path, undefined);
  x.auth = authFor(provider, rules);
  x.provider = providers[provider];
  x.endpoint = findEndpoint(x.provider, 'POST', path);
  if (!x.endpoint) throw new Error(`no endpoint ${path} for ${provider}`);
  x.body = Buffer.from(JSON.stringify(json));
  x.json = json;
  x.model = typeof json.model === 'string' ? json.model : null;
  return x;
}

function run(provider: Provider, path: string, json: Record<string, unknown>, rules: ProjectTransformations): ProxyExchange {
  const x = exchange(provider, path, json, rules);
  const outcome = transformations.onRequest(x);
  expect(outcome).toBeUndefined();
  return x;
}

const CHAT = '/v1/chat/completions';
const RESPONSES = '/v1/responses';
const MESSAGES = '/v1/messages';
const user = { role: 'user', content: 'Hi' };

describe('transformations: model aliases and default model', () => {
  it('replaces an alias with its model and keeps the requested name', () => {
    const x = run('openai', CHAT, { model: 'fast', messages: [user] }, { modelAliases: { fast: 'gpt-4o-mini' } });
    expect(x.json).toEqual({ model: 'gpt-4o-mini', messages: [user] });
    expect(x.model).toBe('gpt-4o-mini');
    expect(x.requestedModel).toBe('fast');
    expect(x.jsonChanged).toBe(true);
  });

  it('replaces an alias on Anthropic messages too', () => {
    const x = run('anthropic', MESSAGES, { model: 'smart', max_tokens: 100, messages: [user] }, { modelAliases: { smart: 'claude-sonnet-4-5' } });
    expect(x.json!.model).toBe('claude-sonnet-4-5');
    expect(x.model).toBe('claude-sonnet-4-5');
    expect(x.requestedModel).toBe('smart');
  });

  it('leaves a model that is not an alias alone (exact, case-sensitive names)', () => {
    for (const model of ['gpt-4o', 'Fast', 'fast ', 'fas']) {
      const x = run('openai', CHAT, { model, messages: [user] }, { modelAliases: { fast: 'gpt-4o-mini' } });
      expect(x.json!.model).toBe(model);
      expect(x.model).toBe(model);
      expect(x.requestedModel).toBeNull();
      expect(x.jsonChanged).toBe(false);
    }
  });

  // The aliases are a plain object: a name that only exists on Object.prototype is not an alias.
  it.each(['toString', 'constructor', 'hasOwnProperty', 'valueOf', '__proto__'])('does not treat the inherited name %j as an alias', (model) => {
    const x = run('openai', CHAT, { model, messages: [user] }, { modelAliases: { fast: 'gpt-4o-mini' } });
    expect(x.json!.model).toBe(model);
    expect(x.model).toBe(model);
    expect(x.requestedModel).toBeNull();
    expect(x.jsonChanged).toBe(false);
  });

  it('sets the default model only when the request names none', () => {
    const none = run('openai', CHAT, { messages: [user] }, { defaultModel: 'gpt-4o-mini' });
    expect(none.json).toEqual({ messages: [user], model: 'gpt-4o-mini' });
    expect(none.model).toBe('gpt-4o-mini');
    expect(none.requestedModel).toBeNull();
    expect(none.jsonChanged).toBe(true);

    const named = run('openai', CHAT, { model: 'gpt-4o', messages: [user] }, { defaultModel: 'gpt-4o-mini' });
    expect(named.json).toEqual({ model: 'gpt-4o', messages: [user] });
    expect(named.model).toBe('gpt-4o');
    expect(named.requestedModel).toBeNull();
    expect(named.jsonChanged).toBe(false);
  });

  it('applies the alias, not the default, when the request names an alias', () => {
    const x = run('openai', CHAT, { model: 'fast', messages: [user] }, { defaultModel: 'gpt-4o', modelAliases: { fast: 'gpt-4o-mini' } });
    expect(x.json!.model).toBe('gpt-4o-mini');
    expect(x.requestedModel).toBe('fast');
  });

  it('aliases embeddings models but adds no ceiling or prompt prefix there', () => {
    const x = run(
      'openai',
      '/v1/embeddings',
      { model: 'emb', input: 'hello' },
      {
        modelAliases: { emb: 'text-embedding-3-small' },
        maxTokensCeiling: 100,
        systemPromptPrefix: PREFIX,
      },
    );
    expect(x.json).toEqual({ model: 'text-embedding-3-small', input: 'hello' });
    expect(x.model).toBe('text-embedding-3-small');
    expect(x.requestedModel).toBe('emb');
    expect(x.jsonChanged).toBe(true);
  });

  it('changes nothing on an embeddings body when only a ceiling and a prefix are set', () => {
    const x = run('openai', '/v1/embeddings', { model: 'text-embedding-3-small', input: 'hello' }, { maxTokensCeiling: 100, systemPromptPrefix: PREFIX });
    expect(x.json).toEqual({ model: 'text-embedding-3-small', input: 'hello' });
    expect(x.jsonChanged).toBe(false);
  });

  it('gives no default model to an endpoint without one (moderations)', () => {
    const x = run('openai', '/v1/moderations', { input: 'hello' }, { defaultModel: 'gpt-4o-mini', modelAliases: { fast: 'gpt-4o-mini' } });
    expect(x.json).toEqual({ input: 'hello' });
    expect(x.model).toBeNull();
    expect(x.jsonChanged).toBe(false);
  });
});

describe('transformations: max tokens ceiling', () => {
  it('lowers max_completion_tokens and max_tokens over the ceiling (OpenAI chat)', () => {
    const a = run('openai', CHAT, { model: 'gpt-4o', messages: [user], max_completion_tokens: 5_000 }, { maxTokensCeiling: 1_000 });
    expect(a.json).toEqual({ model: 'gpt-4o', messages: [user], max_completion_tokens: 1_000 });
    expect(a.jsonChanged).toBe(true);

    const b = run('openai', CHAT, { model: 'gpt-4o', messages: [user], max_tokens: 5_000 }, { maxTokensCeiling: 1_000 });
    expect(b.json).toEqual({ model: 'gpt-4o', messages: [user], max_tokens: 1_000 });
    expect(b.json).not.toHaveProperty('max_completion_tokens');

    const both = run('openai', CHAT, { model: 'gpt-4o', messages: [user], max_tokens: 2_000, max_completion_tokens: 3_000 }, { maxTokensCeiling: 1_000 });
    expect(both.json).toMatchObject({ max_tokens: 1_000, max_completion_tokens: 1_000 });
  });

  it('keeps a budget at or under the ceiling and reports no change', () => {
    for (const value of [1, 999, 1_000]) {
      const x = run('openai', CHAT, { model: 'gpt-4o', messages: [user], max_completion_tokens: value }, { maxTokensCeiling: 1_000 });
      expect(x.json!.max_completion_tokens).toBe(value);
      expect(x.json).not.toHaveProperty('max_tokens');
      expect(x.jsonChanged).toBe(false);
    }
  });

  it('sets max_completion_tokens when an OpenAI (or Azure) chat asks for no budget', () => {
    for (const provider of ['openai', 'azure'] as const) {
      const x = run(provider, CHAT, { model: 'gpt-4o', messages: [user] }, { maxTokensCeiling: 1_000 });
      expect(x.json).toEqual({ model: 'gpt-4o', messages: [user], max_completion_tokens: 1_000 });
      expect(x.jsonChanged).toBe(true);
    }
  });

  it('sets max_tokens when an OpenAI-compatible chat asks for no budget, and lowers the newer field if the client used it', () => {
    const none = run('openai-compatible', CHAT, { model: 'llama3', messages: [user] }, { maxTokensCeiling: 1_000 });
    expect(none.json).toEqual({ model: 'llama3', messages: [user], max_tokens: 1_000 });
    expect(none.json).not.toHaveProperty('max_completion_tokens');

    const newer = run('openai-compatible', CHAT, { model: 'llama3', messages: [user], max_completion_tokens: 4_000 }, { maxTokensCeiling: 1_000 });
    expect(newer.json).toEqual({ model: 'llama3', messages: [user], max_completion_tokens: 1_000 });
  });

  it('uses max_output_tokens on /v1/responses', () => {
    const none = run('openai', RESPONSES, { model: 'gpt-4o', input: 'Hi' }, { maxTokensCeiling: 1_000 });
    expect(none.json).toEqual({ model: 'gpt-4o', input: 'Hi', max_output_tokens: 1_000 });
    const over = run('openai', RESPONSES, { model: 'gpt-4o', input: 'Hi', max_output_tokens: 9_000 }, { maxTokensCeiling: 1_000 });
    expect(over.json).toEqual({ model: 'gpt-4o', input: 'Hi', max_output_tokens: 1_000 });
    const under = run('openai', RESPONSES, { model: 'gpt-4o', input: 'Hi', max_output_tokens: 10 }, { maxTokensCeiling: 1_000 });
    expect(under.json).toEqual({ model: 'gpt-4o', input: 'Hi', max_output_tokens: 10 });
    expect(under.jsonChanged).toBe(false);
  });

  it('uses max_tokens on Anthropic messages (set when missing, lowered when over)', () => {
    const none = run('anthropic', MESSAGES, { model: 'claude-haiku-4-5', messages: [user] }, { maxTokensCeiling: 1_000 });
    expect(none.json).toEqual({ model: 'claude-haiku-4-5', messages: [user], max_tokens: 1_000 });
    const over = run('anthropic', MESSAGES, { model: 'claude-haiku-4-5', messages: [user], max_tokens: 64_000 }, { maxTokensCeiling: 1_000 });
    expect(over.json).toEqual({ model: 'claude-haiku-4-5', messages: [user], max_tokens: 1_000 });
    expect(over.jsonChanged).toBe(true);
  });

  it('adds no budget to Anthropic count_tokens (not a chat endpoint)', () => {
    const x = run(
      'anthropic',
      '/v1/messages/count_tokens',
      { model: 'claude-haiku-4-5', messages: [user] },
      { maxTokensCeiling: 1_000, systemPromptPrefix: PREFIX },
    );
    expect(x.json).toEqual({ model: 'claude-haiku-4-5', messages: [user] });
    expect(x.jsonChanged).toBe(false);
  });
});

describe('transformations: system prompt prefix', () => {
  it('prefixes an OpenAI chat system message with string content', () => {
    const x = run('openai', CHAT, { model: 'gpt-4o', messages: [{ role: 'system', content: 'Be brief.' }, user] }, { systemPromptPrefix: PREFIX });
    expect(x.json!.messages).toEqual([{ role: 'system', content: `${PREFIX}\n\nBe brief.` }, user]);
    expect(x.jsonChanged).toBe(true);
  });

  it('prefixes a developer message too', () => {
    const x = run('openai', CHAT, { model: 'o3', messages: [{ role: 'developer', content: 'Be brief.' }, user] }, { systemPromptPrefix: PREFIX });
    expect(x.json!.messages).toEqual([{ role: 'developer', content: `${PREFIX}\n\nBe brief.` }, user]);
  });

  it('puts a text part before an OpenAI system message with array content', () => {
    const parts = [
      { type: 'text', text: 'Be brief.' },
      { type: 'text', text: 'Be kind.' },
    ];
    const x = run('openai', CHAT, { model: 'gpt-4o', messages: [{ role: 'system', content: parts }, user] }, { systemPromptPrefix: PREFIX });
    expect(x.json!.messages).toEqual([{ role: 'system', content: [{ type: 'text', text: PREFIX }, ...parts] }, user]);
  });

  it('inserts a system message when an OpenAI chat has none', () => {
    const second = { role: 'assistant', content: 'Hello' };
    const x = run('openai', CHAT, { model: 'gpt-4o', messages: [user, second] }, { systemPromptPrefix: PREFIX });
    expect(x.json!.messages).toEqual([{ role: 'system', content: PREFIX }, user, second]);
    expect(x.jsonChanged).toBe(true);
  });

  it('prefixes OpenAI-compatible chats the same way', () => {
    const x = run('openai-compatible', CHAT, { model: 'llama3', messages: [user] }, { systemPromptPrefix: PREFIX });
    expect(x.json!.messages).toEqual([{ role: 'system', content: PREFIX }, user]);
  });

  it('prefixes an Anthropic string system prompt', () => {
    const x = run('anthropic', MESSAGES, { model: 'claude-haiku-4-5', max_tokens: 10, system: 'Be brief.', messages: [user] }, { systemPromptPrefix: PREFIX });
    expect(x.json!.system).toBe(`${PREFIX}\n\nBe brief.`);
    expect(x.json!.messages).toEqual([user]);
    expect(x.jsonChanged).toBe(true);
  });

  it('puts a text block before an Anthropic array system prompt', () => {
    const blocks = [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }];
    const x = run('anthropic', MESSAGES, { model: 'claude-haiku-4-5', max_tokens: 10, system: blocks, messages: [user] }, { systemPromptPrefix: PREFIX });
    expect(x.json!.system).toEqual([{ type: 'text', text: PREFIX }, ...blocks]);
  });

  it('sets the Anthropic system prompt when there is none', () => {
    const x = run('anthropic', MESSAGES, { model: 'claude-haiku-4-5', max_tokens: 10, messages: [user] }, { systemPromptPrefix: PREFIX });
    expect(x.json!.system).toBe(PREFIX);
    // Nothing is added to the messages: Anthropic takes the system prompt beside them.
    expect(x.json!.messages).toEqual([user]);
  });

  it('prefixes Responses API instructions, or sets them', () => {
    const some = run('openai', RESPONSES, { model: 'gpt-4o', input: 'Hi', instructions: 'Be brief.' }, { systemPromptPrefix: PREFIX });
    expect(some.json).toEqual({ model: 'gpt-4o', input: 'Hi', instructions: `${PREFIX}\n\nBe brief.` });
    const none = run('openai', RESPONSES, { model: 'gpt-4o', input: 'Hi' }, { systemPromptPrefix: PREFIX });
    expect(none.json).toEqual({ model: 'gpt-4o', input: 'Hi', instructions: PREFIX });
    expect(none.jsonChanged).toBe(true);
  });
});

describe('transformations: nothing set', () => {
  it('changes nothing with {} (same object, same bytes, jsonChanged false)', () => {
    const json = { model: 'fast', messages: [{ role: 'system', content: 'Be brief.' }, user], max_tokens: 99_999 };
    const snapshot = structuredClone(json);
    const x = exchange('openai', CHAT, json, {});
    const bytes = x.body;
    transformations.onRequest(x);
    expect(x.json).toBe(json);
    expect(x.json).toEqual(snapshot);
    expect(x.body).toBe(bytes);
    expect(x.jsonChanged).toBe(false);
    expect(x.model).toBe('fast');
    expect(x.requestedModel).toBeNull();
  });

  it('leaves the JSON alone when only header rules are set', () => {
    const json = { model: 'gpt-4o', messages: [user] };
    const x = run('openai', CHAT, json, { setHeaders: { 'x-team': 'a' }, removeHeaders: ['x-debug'] });
    expect(x.json).toEqual({ model: 'gpt-4o', messages: [user] });
    expect(x.jsonChanged).toBe(false);
  });

  it('does nothing without a parsed JSON body (multipart upload)', () => {
    const x = exchange('openai', CHAT, {}, { defaultModel: 'gpt-4o', maxTokensCeiling: 5, systemPromptPrefix: PREFIX });
    x.json = null;
    x.model = null;
    transformations.onRequest(x);
    expect(x.model).toBeNull();
    expect(x.jsonChanged).toBe(false);
  });
});
