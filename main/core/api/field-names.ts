// Store field names (camelCase) → the API's (snake_case), for audit details that list what changed.

export const FIELD_NAMES: Record<string, string> = {
  baseUrl: 'base_url',
  isActive: 'is_active',
  maxRequests: 'max_requests',
  allowedModels: 'allowed_models',
  rpmLimit: 'rpm_limit',
  tpmLimit: 'tpm_limit',
  maxConcurrent: 'max_concurrent',
  defaultRpmLimit: 'default_rpm_limit',
  defaultTpmLimit: 'default_tpm_limit',
  sharedRpmLimit: 'shared_rpm_limit',
  sharedTpmLimit: 'shared_tpm_limit',
  sharedLimitKey: 'shared_limit_key',
  cacheDefaultTtlSeconds: 'cache_default_ttl_seconds',
  cacheSharedAcrossTokens: 'cache_shared_across_tokens',
  maxBudgetUsd: 'max_budget_usd',
  monthlyBudgetUsd: 'monthly_budget_usd',
};

/** A limit of 0 means none, stored as null (one way to say it). Undefined = unchanged. */
export const noneIfZero = (value: number | null | undefined) => (value === undefined ? undefined : value || null);

export function fieldName(key: string): string {
  return FIELD_NAMES[key] ?? key;
}
