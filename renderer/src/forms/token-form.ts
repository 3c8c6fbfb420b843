// The mint-token form → a tokens.create input: lifetime in a unit, optional quota, models as a list.
import type { InputOf } from '../../../main/core/api/contract.ts';
import { readTokenLimits } from './limits-form.ts';
import { checkInput, wholeNumberOrNull, type Checked } from './validate.ts';

export type LifetimeUnit = 'minutes' | 'hours' | 'days';

export interface TokenFormValues {
  projectId: string;
  name: string;
  lifetime: string;
  lifetimeUnit: LifetimeUnit;
  maxRequests: string;
  /** Requests per minute; empty = the project's default. */
  rpmLimit: string;
  /** Tokens per minute; empty = the project's default, 0 = none. */
  tpmLimit: string;
  /** Requests in flight at once (per instance); empty = none. */
  maxConcurrent: string;
  allowedModels: string;
}

export const defaultTokenForm = (projectId = ''): TokenFormValues => ({
  projectId,
  name: '',
  lifetime: '8',
  lifetimeUnit: 'hours',
  maxRequests: '',
  rpmLimit: '',
  tpmLimit: '',
  maxConcurrent: '',
  allowedModels: '',
});

const MINUTES: Record<LifetimeUnit, number> = { minutes: 1, hours: 60, days: 24 * 60 };

const TOKEN_FIELDS: Record<string, string> = {
  project_id: 'projectId',
  name: 'name',
  duration_minutes: 'lifetime',
  max_requests: 'maxRequests',
  allowed_models: 'allowedModels',
  rpm_limit: 'rpmLimit',
  tpm_limit: 'tpmLimit',
  max_concurrent: 'maxConcurrent',
};
export const tokenFieldOf = (path: string) => TOKEN_FIELDS[path.split('.')[0] ?? ''] ?? '_form';

/** "gpt-4o-mini, gpt-4o" or one per line → ['gpt-4o-mini', 'gpt-4o']; empty → null (any model). */
export function parseModels(text: string): string[] | null {
  const models = text
    .split(/[\s,]+/)
    .map((m) => m.trim())
    .filter(Boolean);
  return models.length ? [...new Set(models)] : null;
}

export function checkTokenForm(values: TokenFormValues): Checked<InputOf<'tokens.create'>> {
  const lifetime = wholeNumberOrNull(values.lifetime);
  if (lifetime === null) return { ok: false, errors: { lifetime: 'Enter how long the token lives.' } };
  if (Number.isNaN(lifetime)) return { ok: false, errors: { lifetime: 'Must be a whole number.' } };
  const maxRequests = wholeNumberOrNull(values.maxRequests);
  if (Number.isNaN(maxRequests)) return { ok: false, errors: { maxRequests: 'Must be a whole number, or empty for no limit.' } };
  const limits = readTokenLimits(values);
  if (!limits.ok) return limits;
  if (!values.projectId) return { ok: false, errors: { projectId: 'Choose a project.' } };
  const input: InputOf<'tokens.create'> = {
    project_id: values.projectId,
    duration_minutes: lifetime * MINUTES[values.lifetimeUnit],
    max_requests: maxRequests,
    name: values.name.trim() || null,
    allowed_models: parseModels(values.allowedModels),
  };
  // Only the limits given are sent: an empty one is the project's default (or none).
  if (limits.value.rpm_limit !== null) input.rpm_limit = limits.value.rpm_limit;
  if (limits.value.tpm_limit !== null) input.tpm_limit = limits.value.tpm_limit;
  if (limits.value.max_concurrent !== null) input.max_concurrent = limits.value.max_concurrent;
  return checkInput('tokens.create', input, tokenFieldOf);
}

/** The lifetime in minutes, or null while the field does not hold a usable number. */
export function lifetimeMinutes(values: Pick<TokenFormValues, 'lifetime' | 'lifetimeUnit'>): number | null {
  const n = wholeNumberOrNull(values.lifetime);
  return n === null || Number.isNaN(n) || n < 1 ? null : n * MINUTES[values.lifetimeUnit];
}

/** What tools paste into their environment. */
export function envSnippet(proxyOrigin: string, token: string): string {
  return `OPENAI_BASE_URL=${proxyOrigin.replace(/\/+$/, '')}/v1 OPENAI_API_KEY=${token}`;
}
