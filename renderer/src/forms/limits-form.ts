// Rate-limit forms: a token's own limits (mint and "Edit limits") and a project's defaults and shared
// budget (the Projects screen's "Limits" dialog) → contract inputs, checked with the contract's schemas.
import type { InputOf } from '../../../main/core/api/contract.ts';
import type { ProjectView, TokenView } from '../../../main/core/api/views.ts';
import { amountText, BUDGET_TYPING, usdOrNull } from './money-form.ts';
import { checkInput, wholeNumberOrNull, withErrors, type Checked, type FieldErrors } from './validate.ts';

/** A token's limits as typed: empty rpm/tpm = the project's default, 0 = none; empty concurrency = none. */
export interface TokenLimitValues {
  rpmLimit: string;
  tpmLimit: string;
  maxConcurrent: string;
  /** USD over the token's life; empty = no budget. */
  maxBudgetUsd: string;
}

export interface TokenLimits {
  rpm_limit: number | null;
  tpm_limit: number | null;
  max_concurrent: number | null;
  max_budget_usd: number | null;
}

export const emptyTokenLimits: TokenLimitValues = { rpmLimit: '', tpmLimit: '', maxConcurrent: '', maxBudgetUsd: '' };

const text = (n: number | null) => (n === null ? '' : String(n));

/** The form a token's current limits start from. */
export function tokenLimitValuesOf(token: Pick<TokenView, 'rpm_limit' | 'tpm_limit' | 'max_concurrent' | 'max_budget_usd'>): TokenLimitValues {
  return {
    rpmLimit: text(token.rpm_limit),
    tpmLimit: text(token.tpm_limit),
    maxConcurrent: token.max_concurrent ? String(token.max_concurrent) : '',
    maxBudgetUsd: amountText(token.max_budget_usd),
  };
}

const TOKEN_LIMIT_FIELDS: Record<string, keyof TokenLimitValues> = {
  rpm_limit: 'rpmLimit',
  tpm_limit: 'tpmLimit',
  max_concurrent: 'maxConcurrent',
  max_budget_usd: 'maxBudgetUsd',
};
export const tokenLimitFieldOf = (path: string): string => TOKEN_LIMIT_FIELDS[path.split('.')[0] ?? ''] ?? '_form';

const PROJECT_DEFAULT = 'Must be a whole number, or empty for the project’s default.';
const OR_NONE = 'Must be a whole number, or empty for none.';

/** Reads the four numbers; only the typing is checked here, ranges come from the contract's schema. */
export function readTokenLimits(values: TokenLimitValues): { ok: true; value: TokenLimits } | { ok: false; errors: FieldErrors } {
  const rpm = wholeNumberOrNull(values.rpmLimit);
  const tpm = wholeNumberOrNull(values.tpmLimit);
  const concurrent = wholeNumberOrNull(values.maxConcurrent);
  const budget = usdOrNull(values.maxBudgetUsd);
  const errors: FieldErrors = {};
  if (Number.isNaN(rpm)) errors.rpmLimit = PROJECT_DEFAULT;
  if (Number.isNaN(tpm)) errors.tpmLimit = PROJECT_DEFAULT;
  if (Number.isNaN(concurrent)) errors.maxConcurrent = OR_NONE;
  if (Number.isNaN(budget)) errors.maxBudgetUsd = BUDGET_TYPING;
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, value: { rpm_limit: rpm, tpm_limit: tpm, max_concurrent: concurrent, max_budget_usd: budget } };
}

/** "Edit limits": every field is sent, so clearing one goes back to the project's default (or none). */
export function checkTokenLimits(id: string, values: TokenLimitValues): Checked<InputOf<'tokens.update'>> {
  const read = readTokenLimits(values);
  const value = read.ok ? read.value : { rpm_limit: null, tpm_limit: null, max_concurrent: null, max_budget_usd: null };
  return withErrors(checkInput('tokens.update', { id, ...value }, tokenLimitFieldOf), read.ok ? {} : read.errors);
}

/** A project's limits as typed: empty or 0 = none; an empty key = the upstream key's fingerprint. */
export interface ProjectLimitValues {
  defaultRpm: string;
  defaultTpm: string;
  sharedRpm: string;
  sharedTpm: string;
  sharedKey: string;
}

export const emptyProjectLimits: ProjectLimitValues = { defaultRpm: '', defaultTpm: '', sharedRpm: '', sharedTpm: '', sharedKey: '' };

export function projectLimitValuesOf(
  project: Pick<ProjectView, 'default_rpm_limit' | 'default_tpm_limit' | 'shared_rpm_limit' | 'shared_tpm_limit' | 'shared_limit_key'>,
): ProjectLimitValues {
  return {
    defaultRpm: text(project.default_rpm_limit || null),
    defaultTpm: text(project.default_tpm_limit || null),
    sharedRpm: text(project.shared_rpm_limit || null),
    sharedTpm: text(project.shared_tpm_limit || null),
    sharedKey: project.shared_limit_key ?? '',
  };
}

const PROJECT_LIMIT_FIELDS: Record<string, keyof ProjectLimitValues> = {
  default_rpm_limit: 'defaultRpm',
  default_tpm_limit: 'defaultTpm',
  shared_rpm_limit: 'sharedRpm',
  shared_tpm_limit: 'sharedTpm',
  shared_limit_key: 'sharedKey',
};
export const projectLimitFieldOf = (path: string): string => PROJECT_LIMIT_FIELDS[path.split('.')[0] ?? ''] ?? '_form';

type ProjectLimitInput = Pick<
  InputOf<'projects.update'>,
  'default_rpm_limit' | 'default_tpm_limit' | 'shared_rpm_limit' | 'shared_tpm_limit' | 'shared_limit_key'
>;

export function readProjectLimits(values: ProjectLimitValues): { ok: true; value: ProjectLimitInput } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const read = (key: 'defaultRpm' | 'defaultTpm' | 'sharedRpm' | 'sharedTpm') => {
    const n = wholeNumberOrNull(values[key]);
    if (Number.isNaN(n)) errors[key] = OR_NONE;
    // 0 and empty both mean none; the server stores either as null.
    return n || null;
  };
  const numbers = { defaultRpm: read('defaultRpm'), defaultTpm: read('defaultTpm'), sharedRpm: read('sharedRpm'), sharedTpm: read('sharedTpm') };
  const key = values.sharedKey.trim();
  // The contract says the same ("may hold letters, digits and . _ - :"); this reads better after a colon.
  if (key && !/^[\w.:-]+$/.test(key)) errors.sharedKey = 'Use only letters, digits and . _ - : (no spaces).';
  if (Object.keys(errors).length) return { ok: false, errors };
  return {
    ok: true,
    value: {
      default_rpm_limit: numbers.defaultRpm,
      default_tpm_limit: numbers.defaultTpm,
      shared_rpm_limit: numbers.sharedRpm,
      shared_tpm_limit: numbers.sharedTpm,
      shared_limit_key: key || null,
    },
  };
}

/** The "Limits" dialog: all five fields are sent, so clearing one removes that limit. */
export function checkProjectLimits(id: string, values: ProjectLimitValues): Checked<InputOf<'projects.update'>> {
  const read = readProjectLimits(values);
  if (!read.ok) return read;
  return checkInput('projects.update', { id, ...read.value }, projectLimitFieldOf);
}
