// "Edit token" after minting: its name, total quota, allowed models and rate limits → a tokens.update
// input. Every field is sent, so clearing one removes that rule (or goes back to the project's default).
// The expiry is not here: tokens.update cannot change it (mint with the same policy instead).
import type { InputOf } from '../../../main/core/api/contract.ts';
import type { TokenView } from '../../../main/core/api/views.ts';
import { readTokenLimits, tokenLimitValuesOf, type TokenLimitValues } from './limits-form.ts';
import { parseModels, tokenFieldOf } from './token-form.ts';
import { checkInput, wholeNumberOrNull, withErrors, type Checked, type FieldErrors } from './validate.ts';

export interface TokenEditValues extends TokenLimitValues {
  name: string;
  maxRequests: string;
  allowedModels: string;
}

export function tokenEditValuesOf(token: TokenView): TokenEditValues {
  return {
    name: token.name ?? '',
    maxRequests: token.max_requests ? String(token.max_requests) : '',
    allowedModels: token.allowed_models?.join(', ') ?? '',
    ...tokenLimitValuesOf(token),
  };
}

export function checkTokenEdit(id: string, values: TokenEditValues): Checked<InputOf<'tokens.update'>> {
  const errors: FieldErrors = {};
  const maxRequests = wholeNumberOrNull(values.maxRequests);
  if (Number.isNaN(maxRequests)) errors.maxRequests = 'Must be a whole number, or empty for no limit.';
  const limits = readTokenLimits(values);
  if (!limits.ok) Object.assign(errors, limits.errors);
  const input: InputOf<'tokens.update'> = {
    id,
    name: values.name.trim() || null,
    // 0 and empty both mean no quota.
    max_requests: Number.isNaN(maxRequests) ? null : maxRequests || null,
    allowed_models: parseModels(values.allowedModels),
    ...(limits.ok ? limits.value : { rpm_limit: null, tpm_limit: null, max_concurrent: null, max_budget_usd: null }),
  };
  return withErrors(checkInput('tokens.update', input, tokenFieldOf), errors);
}
