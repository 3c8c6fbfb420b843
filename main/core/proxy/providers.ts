// Providers as data: which endpoints a project's tokens may reach, how the upstream key travels, where
// usage is read from, and the base URL used when the project gives none. Adding a provider is adding
// an entry here (and to the Provider union in ../store/types.ts); the request path reads only this.
import type { Provider } from '../store/types.ts';

/** json: buffer and parse (model check, stream usage); multipart: form fields; none: no body. */
export type BodyKind = 'json' | 'multipart' | 'none';

export interface Endpoint {
  method: string;
  pattern: RegExp;
  body: BodyKind;
  /** Whether the request names a model that the token's allow-list must check. */
  hasModel: boolean;
  /** OpenAI-style streams that report usage only when asked (`stream_options.include_usage`). */
  streamsUsage?: boolean;
  /** Chat-style body whose system prompt and token ceiling the transformations may rewrite. */
  chat?: 'openai-chat' | 'openai-responses' | 'anthropic-messages';
  /** The model catalogue: the list, or one model named in the path (filtered by the token's globs). */
  models?: 'list' | 'one';
}

/** How the key reaches the provider. */
export type AuthStyle = 'bearer' | 'x-api-key' | 'api-key';

/** Which response shape usage is read from (JSON body and SSE stream alike: ./usage.ts reads both). */
export type UsageShape = 'openai' | 'anthropic';

export interface ProviderDefinition {
  id: Provider;
  /** Shown on the Projects screen and in the CLI. */
  label: string;
  /** Used when a project is created without a base URL; null = the base URL is required. */
  defaultBaseUrl: string | null;
  auth: AuthStyle;
  usage: UsageShape;
  endpoints: readonly Endpoint[];
  /** Headers the provider requires that clients may set themselves (the client's value wins). */
  defaultHeaders?: Readonly<Record<string, string>>;
}

const openaiEndpoints: readonly Endpoint[] = [
  { method: 'GET', pattern: /^\/v1\/models$/, body: 'none', hasModel: false, models: 'list' },
  { method: 'GET', pattern: /^\/v1\/models\/[\w.:@/-]+$/, body: 'none', hasModel: false, models: 'one' },
  { method: 'POST', pattern: /^\/v1\/chat\/completions$/, body: 'json', hasModel: true, streamsUsage: true, chat: 'openai-chat' },
  { method: 'POST', pattern: /^\/v1\/completions$/, body: 'json', hasModel: true, streamsUsage: true },
  { method: 'POST', pattern: /^\/v1\/embeddings$/, body: 'json', hasModel: true },
  { method: 'POST', pattern: /^\/v1\/moderations$/, body: 'json', hasModel: false },
  { method: 'POST', pattern: /^\/v1\/responses$/, body: 'json', hasModel: true, chat: 'openai-responses' },
  { method: 'GET', pattern: /^\/v1\/responses\/[\w-]+$/, body: 'none', hasModel: false },
  { method: 'POST', pattern: /^\/v1\/images\/generations$/, body: 'json', hasModel: true },
  { method: 'POST', pattern: /^\/v1\/images\/(edits|variations)$/, body: 'multipart', hasModel: true },
  { method: 'POST', pattern: /^\/v1\/audio\/speech$/, body: 'json', hasModel: true },
  { method: 'POST', pattern: /^\/v1\/audio\/(transcriptions|translations)$/, body: 'multipart', hasModel: true },
];

const anthropicEndpoints: readonly Endpoint[] = [
  { method: 'POST', pattern: /^\/v1\/messages$/, body: 'json', hasModel: true, chat: 'anthropic-messages' },
  { method: 'POST', pattern: /^\/v1\/messages\/count_tokens$/, body: 'json', hasModel: true },
  { method: 'GET', pattern: /^\/v1\/models$/, body: 'none', hasModel: false, models: 'list' },
  { method: 'GET', pattern: /^\/v1\/models\/[\w.:@-]+$/, body: 'none', hasModel: false, models: 'one' },
];

export const providers: Readonly<Record<Provider, ProviderDefinition>> = {
  openai: { id: 'openai', label: 'OpenAI', defaultBaseUrl: 'https://api.openai.com', auth: 'bearer', usage: 'openai', endpoints: openaiEndpoints },
  anthropic: {
    id: 'anthropic',
    label: 'Anthropic',
    defaultBaseUrl: 'https://api.anthropic.com',
    auth: 'x-api-key',
    usage: 'anthropic',
    endpoints: anthropicEndpoints,
    defaultHeaders: { 'anthropic-version': '2023-06-01' },
  },
  // Ollama, vLLM, LM Studio, llama.cpp, OpenRouter…: the OpenAI API at another base URL. Servers that
  // need no key ignore the Bearer header.
  'openai-compatible': {
    id: 'openai-compatible',
    label: 'OpenAI-compatible',
    defaultBaseUrl: null,
    auth: 'bearer',
    usage: 'openai',
    endpoints: openaiEndpoints,
  },
  // Azure OpenAI's v1 API: base URL https://<resource>.openai.azure.com/openai, key in `api-key`.
  azure: { id: 'azure', label: 'Azure OpenAI', defaultBaseUrl: null, auth: 'api-key', usage: 'openai', endpoints: openaiEndpoints },
};

export const providerIds = Object.keys(providers) as Provider[];

export function findEndpoint(provider: ProviderDefinition, method: string, path: string): Endpoint | null {
  for (const endpoint of provider.endpoints) {
    if (endpoint.method === method && endpoint.pattern.test(path)) return endpoint;
  }
  return null;
}

/** The headers that carry one upstream key, in the provider's style. */
export function authHeaders(provider: ProviderDefinition, apiKey: string): Record<string, string> {
  switch (provider.auth) {
    case 'x-api-key':
      return { 'x-api-key': apiKey };
    case 'api-key':
      return { 'api-key': apiKey };
    default:
      return { authorization: `Bearer ${apiKey}` };
  }
}

/** Every header any provider reads a credential from: never passed on from the client, never settable by a transformation. */
export const credentialHeaders: readonly string[] = ['authorization', 'x-api-key', 'api-key', 'proxy-authorization'];
