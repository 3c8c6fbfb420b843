// The mint-token form → a tokens.create input: lifetime in a unit, optional quota, models as a list.
import type { InputOf } from '../../../main/core/api/contract.ts';
import type { TokenView } from '../../../main/core/api/views.ts';
import { readTokenLimits } from './limits-form.ts';
import { checkInput, wholeNumberOrNull, withErrors, type Checked, type FieldErrors } from './validate.ts';

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
  /** USD over the token's life; empty = no budget. */
  maxBudgetUsd: string;
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
  maxBudgetUsd: '',
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
  max_budget_usd: 'maxBudgetUsd',
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

/** Every problem at once: the typing of each field here, the ranges from the contract's schema. */
export function checkTokenForm(values: TokenFormValues): Checked<InputOf<'tokens.create'>> {
  const errors: FieldErrors = {};
  const lifetime = wholeNumberOrNull(values.lifetime);
  if (lifetime === null) errors.lifetime = 'Enter how long the token lives.';
  else if (Number.isNaN(lifetime)) errors.lifetime = 'Must be a whole number.';
  const maxRequests = wholeNumberOrNull(values.maxRequests);
  if (Number.isNaN(maxRequests)) errors.maxRequests = 'Must be a whole number, or empty for no limit.';
  const limits = readTokenLimits(values);
  if (!limits.ok) Object.assign(errors, limits.errors);
  if (!values.projectId) errors.projectId = 'Choose a project.';
  // Fields already refused above go to the schema as harmless placeholders, so it reports only the rest.
  const input: InputOf<'tokens.create'> = {
    project_id: values.projectId,
    duration_minutes: lifetime === null || Number.isNaN(lifetime) ? 1 : lifetime * MINUTES[values.lifetimeUnit],
    max_requests: Number.isNaN(maxRequests) ? null : maxRequests,
    name: values.name.trim() || null,
    allowed_models: parseModels(values.allowedModels),
  };
  // Only the limits given are sent: an empty one is the project's default (or none).
  if (limits.ok) {
    if (limits.value.rpm_limit !== null) input.rpm_limit = limits.value.rpm_limit;
    if (limits.value.tpm_limit !== null) input.tpm_limit = limits.value.tpm_limit;
    if (limits.value.max_concurrent !== null) input.max_concurrent = limits.value.max_concurrent;
    if (limits.value.max_budget_usd !== null) input.max_budget_usd = limits.value.max_budget_usd;
  }
  return withErrors(checkInput('tokens.create', input, tokenFieldOf), errors);
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

/** "Duplicate this token's policy": the mint form filled from an existing token (its lifetime, quota,
 *  limits and models; a new name, since the old one names the old token). */
export function policyOf(
  token: Pick<
    TokenView,
    'project_id' | 'created_at' | 'expires_at' | 'max_requests' | 'rpm_limit' | 'tpm_limit' | 'max_concurrent' | 'max_budget_usd' | 'allowed_models'
  >,
): TokenFormValues {
  const minutes = Math.max(1, Math.round((Date.parse(token.expires_at) - Date.parse(token.created_at)) / 60_000));
  const unit: LifetimeUnit = minutes % MINUTES.days === 0 ? 'days' : minutes % MINUTES.hours === 0 ? 'hours' : 'minutes';
  const text = (n: number | null) => (n === null ? '' : String(n));
  return {
    projectId: token.project_id,
    name: '',
    lifetime: String(minutes / MINUTES[unit]),
    lifetimeUnit: unit,
    maxRequests: token.max_requests ? String(token.max_requests) : '',
    rpmLimit: text(token.rpm_limit),
    tpmLimit: text(token.tpm_limit),
    maxConcurrent: token.max_concurrent ? String(token.max_concurrent) : '',
    maxBudgetUsd: token.max_budget_usd === null || token.max_budget_usd === undefined ? '' : String(token.max_budget_usd),
    allowedModels: token.allowed_models?.join(', ') ?? '',
  };
}
