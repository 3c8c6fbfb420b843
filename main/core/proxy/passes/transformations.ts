// Pass `transformations`: the project's request rewrites, set without code (ProjectTransformations):
// model aliases and a default model, a ceiling on the answer's token budget, a system prompt prefix.
// Header rules are their own pass (header-rules). Only JSON bodies are touched, and only when the
// project set something, so projects without transformations pay one property check.
import type { ProjectTransformations } from '../../store/types.ts';
import type { ProxyExchange } from '../exchange.ts';
import type { RequestPass } from '../pipeline.ts';
import type { Endpoint } from '../providers.ts';

export const transformations: RequestPass = {
  name: 'transformations',
  onRequest(x) {
    const rules = x.auth!.upstream.transformations;
    const body = x.json;
    if (!body || isEmpty(rules)) return;
    const endpoint = x.endpoint!;
    if (endpoint.hasModel) applyModel(x, body, rules);
    if (endpoint.chat && rules.maxTokensCeiling) {
      if (capTokens(body, endpoint.chat, rules.maxTokensCeiling, x.provider!.id === 'openai-compatible')) x.jsonChanged = true;
    }
    if (endpoint.chat && rules.systemPromptPrefix) {
      prefixSystemPrompt(body, endpoint.chat, rules.systemPromptPrefix);
      x.jsonChanged = true;
    }
  },
};

function isEmpty(rules: ProjectTransformations): boolean {
  return !rules.defaultModel && !rules.modelAliases && !rules.maxTokensCeiling && !rules.systemPromptPrefix;
}

function applyModel(x: ProxyExchange, body: Record<string, unknown>, rules: ProjectTransformations): void {
  const asked = typeof body.model === 'string' ? body.model : null;
  // Own keys only: a client's "toString" or "__proto__" must not find Object.prototype's members.
  const aliases = rules.modelAliases;
  const alias = asked !== null && aliases && Object.hasOwn(aliases, asked) ? aliases[asked] : undefined;
  const model = asked === null ? (rules.defaultModel ?? null) : typeof alias === 'string' ? alias : asked;
  if (model === null || model === asked) return;
  body.model = model;
  x.model = model;
  x.requestedModel = asked;
  x.jsonChanged = true;
}

type ChatKind = NonNullable<Endpoint['chat']>;

/** The budget fields each API knows; the first is the one set when the client asked for none. */
const budgetFields: Record<ChatKind, string[]> = {
  'openai-chat': ['max_completion_tokens', 'max_tokens'],
  'openai-responses': ['max_output_tokens'],
  'anthropic-messages': ['max_tokens'],
};

/**
 * Lowers any budget over the ceiling; sets one when the client asked for none (a ceiling that only
 * capped explicit requests would let the rest run to the model's maximum). OpenAI-compatible servers
 * get `max_tokens`, which older ones know and `max_completion_tokens` they may not.
 */
export function capTokens(body: Record<string, unknown>, kind: ChatKind, ceiling: number, legacyField: boolean): boolean {
  let changed = false;
  let present = false;
  for (const field of budgetFields[kind]) {
    const value = body[field];
    if (typeof value !== 'number') continue;
    present = true;
    if (value > ceiling) {
      body[field] = ceiling;
      changed = true;
    }
  }
  if (!present) {
    body[kind === 'openai-chat' && legacyField ? 'max_tokens' : budgetFields[kind][0]!] = ceiling;
    changed = true;
  }
  return changed;
}

/** Puts `prefix` before the system prompt, or adds one made of it; the client's own text follows unchanged. */
export function prefixSystemPrompt(body: Record<string, unknown>, kind: ChatKind, prefix: string): void {
  if (kind === 'anthropic-messages') {
    const system = body.system;
    if (typeof system === 'string' && system !== '') body.system = `${prefix}\n\n${system}`;
    else if (Array.isArray(system)) body.system = [{ type: 'text', text: prefix }, ...system];
    else body.system = prefix;
    return;
  }
  if (kind === 'openai-responses') {
    const instructions = body.instructions;
    body.instructions = typeof instructions === 'string' && instructions !== '' ? `${prefix}\n\n${instructions}` : prefix;
    return;
  }
  const messages = Array.isArray(body.messages) ? (body.messages as unknown[]) : [];
  const first = messages[0] as Record<string, unknown> | undefined;
  if (first && typeof first === 'object' && (first.role === 'system' || first.role === 'developer')) {
    if (typeof first.content === 'string') first.content = `${prefix}\n\n${first.content}`;
    else if (Array.isArray(first.content)) first.content = [{ type: 'text', text: prefix }, ...(first.content as unknown[])];
    else first.content = prefix;
  } else {
    body.messages = [{ role: 'system', content: prefix }, ...messages];
  }
}
