// Which upstream endpoints a token may reach, per provider, and how each one's body is read.
// Anything not listed is refused: a token is scoped to the API it was minted for, not to any path.
import type { Provider } from '../store/types.ts';

/** json: buffer and parse (model check, stream usage); multipart: form fields; none: no body. */
export type BodyKind = 'json' | 'multipart' | 'none';

export interface Endpoint {
  method: string;
  pattern: RegExp;
  body: BodyKind;
  /** Whether the request names a model that the token's allow-list must check. */
  hasModel: boolean;
  /** OpenAI streams that report usage only when asked (`stream_options.include_usage`). */
  streamsUsage?: boolean;
}

const openai: Endpoint[] = [
  { method: 'GET', pattern: /^\/v1\/models$/, body: 'none', hasModel: false },
  { method: 'GET', pattern: /^\/v1\/models\/[\w.:@-]+$/, body: 'none', hasModel: false },
  { method: 'POST', pattern: /^\/v1\/chat\/completions$/, body: 'json', hasModel: true, streamsUsage: true },
  { method: 'POST', pattern: /^\/v1\/completions$/, body: 'json', hasModel: true, streamsUsage: true },
  { method: 'POST', pattern: /^\/v1\/embeddings$/, body: 'json', hasModel: true },
  { method: 'POST', pattern: /^\/v1\/moderations$/, body: 'json', hasModel: false },
  { method: 'POST', pattern: /^\/v1\/responses$/, body: 'json', hasModel: true },
  { method: 'GET', pattern: /^\/v1\/responses\/[\w-]+$/, body: 'none', hasModel: false },
  { method: 'POST', pattern: /^\/v1\/images\/generations$/, body: 'json', hasModel: true },
  { method: 'POST', pattern: /^\/v1\/images\/(edits|variations)$/, body: 'multipart', hasModel: true },
  { method: 'POST', pattern: /^\/v1\/audio\/speech$/, body: 'json', hasModel: true },
  { method: 'POST', pattern: /^\/v1\/audio\/(transcriptions|translations)$/, body: 'multipart', hasModel: true },
];

const anthropic: Endpoint[] = [
  { method: 'POST', pattern: /^\/v1\/messages$/, body: 'json', hasModel: true },
  { method: 'POST', pattern: /^\/v1\/messages\/count_tokens$/, body: 'json', hasModel: true },
  { method: 'GET', pattern: /^\/v1\/models$/, body: 'none', hasModel: false },
  { method: 'GET', pattern: /^\/v1\/models\/[\w.:@-]+$/, body: 'none', hasModel: false },
];

const byProvider: Record<Provider, Endpoint[]> = { openai, anthropic };

export function findEndpoint(provider: Provider, method: string, path: string): Endpoint | null {
  for (const endpoint of byProvider[provider]) {
    if (endpoint.method === method && endpoint.pattern.test(path)) return endpoint;
  }
  return null;
}

/** The headers that carry the project's key upstream, per provider. */
export function upstreamAuthHeaders(provider: Provider, apiKey: string, incomingAnthropicVersion: string | undefined): Record<string, string> {
  if (provider === 'anthropic') {
    return { 'x-api-key': apiKey, 'anthropic-version': incomingAnthropicVersion ?? '2023-06-01' };
  }
  return { authorization: `Bearer ${apiKey}` };
}
