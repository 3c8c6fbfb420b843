// What the screens say about each provider: its name, the base URL it uses when none is given (null:
// one is required), and where to find one. Checked against main/core/proxy/providers.ts by a test.
import { providerIds } from '../../../main/core/api/contract.ts';
import type { ProjectView } from '../../../main/core/api/views.ts';

export type ProviderId = ProjectView['provider'];

export interface ProviderText {
  label: string;
  /** The server's default base URL; null = the form must ask for one. */
  defaultBaseUrl: string | null;
  /** Placeholder of the base URL field. */
  placeholder: string;
  /** Under the base URL field. */
  hint: string;
}

export const providerTexts: Record<ProviderId, ProviderText> = {
  openai: { label: 'OpenAI', defaultBaseUrl: 'https://api.openai.com', placeholder: 'https://api.openai.com', hint: 'Empty for https://api.openai.com.' },
  anthropic: {
    label: 'Anthropic',
    defaultBaseUrl: 'https://api.anthropic.com',
    placeholder: 'https://api.anthropic.com',
    hint: 'Empty for https://api.anthropic.com.',
  },
  'openai-compatible': {
    label: 'OpenAI-compatible',
    defaultBaseUrl: null,
    placeholder: 'http://127.0.0.1:11434',
    hint: 'Required. Ollama: http://127.0.0.1:11434, vLLM: http://127.0.0.1:8000, LM Studio: http://127.0.0.1:1234.',
  },
  azure: {
    label: 'Azure OpenAI',
    defaultBaseUrl: null,
    placeholder: 'https://<resource>.openai.azure.com/openai',
    hint: 'Required: https://<resource>.openai.azure.com/openai (the key is sent in the api-key header).',
  },
};

/** In the order of the contract (the select's order). */
export const providerOptions = providerIds.map((id) => ({ id, label: providerTexts[id].label }));

export function providerLabel(id: ProviderId): string {
  return providerTexts[id]?.label ?? id;
}
