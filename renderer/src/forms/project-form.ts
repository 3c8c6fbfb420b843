// Project forms (create, rename) → contract inputs, checked with the contract's schemas.
import type { InputOf } from '../../../main/core/api/contract.ts';
import { providerTexts, type ProviderId } from '../lib/providers.ts';
import { checkInput, type Checked } from './validate.ts';

export interface NewProjectValues {
  name: string;
  baseUrl: string;
  apiKey: string;
  provider: ProviderId;
}

export const emptyProject: NewProjectValues = { name: '', baseUrl: '', apiKey: '', provider: 'openai' };

const PROJECT_FIELDS: Record<string, string> = { name: 'name', base_url: 'baseUrl', api_key: 'apiKey', provider: 'provider' };
const fieldOf = (path: string) => PROJECT_FIELDS[path.split('.')[0] ?? ''] ?? '_form';

export function checkNewProject(values: NewProjectValues): Checked<InputOf<'projects.create'>> {
  const input: InputOf<'projects.create'> = { name: values.name.trim(), api_key: values.apiKey.trim(), provider: values.provider };
  // An empty base URL means the provider's own (the server's default).
  if (values.baseUrl.trim()) input.base_url = values.baseUrl.trim();
  const checked = checkInput('projects.create', input, fieldOf);
  // Providers without a default need a base URL; the server says the same, this says it before sending.
  const provider = providerTexts[values.provider];
  if (!input.base_url && provider.defaultBaseUrl === null) {
    const errors = checked.ok ? {} : checked.errors;
    return { ok: false, errors: { ...errors, baseUrl: `Required for ${provider.label}, e.g. ${provider.placeholder}.` } };
  }
  return checked;
}

export function checkRename(id: string, name: string): Checked<InputOf<'projects.update'>> {
  return checkInput('projects.update', { id, name: name.trim() }, fieldOf);
}

export function projectFieldOf(path: string): string {
  return fieldOf(path);
}
