// Every table the repositories read and write, declared once for SQLite and PostgreSQL (see
// table-map.ts), and the full row a create writes (defaults for what the caller left out).
import { defineTable } from './table-map.ts';
import type {
  AdminRow,
  AuditRow,
  CursorRow,
  DailyUsageRow,
  DeadLetterRow,
  NewProject,
  NewToken,
  NewUpstreamKey,
  ProjectRow,
  StoredSettingRow,
  TokenRow,
  UpstreamKeyRow,
} from './types.ts';

export const projectsTable = defineTable<ProjectRow>(
  'projects',
  {
    id: 'id',
    name: 'name',
    provider: 'provider',
    baseUrl: 'base_url',
    isActive: ['is_active', 'flag'],
    createdAt: 'created_at',
    updatedAt: 'updated_at',
    deactivatedAt: 'deactivated_at',
    defaultRpmLimit: 'default_rpm_limit',
    defaultTpmLimit: 'default_tpm_limit',
    sharedRpmLimit: 'shared_rpm_limit',
    sharedTpmLimit: 'shared_tpm_limit',
    sharedLimitKey: 'shared_limit_key',
    cacheDefaultTtlSeconds: 'cache_default_ttl_seconds',
    cacheSharedAcrossTokens: ['cache_shared_across_tokens', 'flag'],
    transformations: ['transformations', 'json'],
    prices: ['prices', 'json'],
    monthlyBudgetUsd: 'monthly_budget_usd',
  },
  [
    'name',
    'baseUrl',
    'isActive',
    'updatedAt',
    'deactivatedAt',
    'defaultRpmLimit',
    'defaultTpmLimit',
    'sharedRpmLimit',
    'sharedTpmLimit',
    'sharedLimitKey',
    'cacheDefaultTtlSeconds',
    'cacheSharedAcrossTokens',
    'transformations',
    'prices',
    'monthlyBudgetUsd',
  ],
);

export const upstreamKeysTable = defineTable<UpstreamKeyRow>(
  'upstream_keys',
  {
    id: 'id',
    projectId: 'project_id',
    label: 'label',
    keySealed: 'key_sealed',
    keyLast4: 'key_last4',
    weight: 'weight',
    isEnabled: ['is_enabled', 'flag'],
    createdAt: 'created_at',
    updatedAt: 'updated_at',
    lastUsedAt: 'last_used_at',
    requestCount: 'request_count',
    failureCount: 'failure_count',
    promptTokens: 'prompt_tokens',
    completionTokens: 'completion_tokens',
    lastErrorAt: 'last_error_at',
    lastError: 'last_error',
  },
  ['label', 'keySealed', 'keyLast4', 'weight', 'isEnabled', 'updatedAt'],
);

export const tokensTable = defineTable<TokenRow>(
  'tokens',
  {
    id: 'id',
    projectId: 'project_id',
    name: 'name',
    tokenHash: 'token_hash',
    tokenLast4: 'token_last4',
    expiresAt: 'expires_at',
    isActive: ['is_active', 'flag'],
    maxRequests: 'max_requests',
    requestCount: 'request_count',
    allowedModels: ['allowed_models', 'json'],
    promptTokens: 'prompt_tokens',
    completionTokens: 'completion_tokens',
    cacheHitCount: 'cache_hit_count',
    createdAt: 'created_at',
    updatedAt: 'updated_at',
    lastUsedAt: 'last_used_at',
    revokedAt: 'revoked_at',
    rpmLimit: 'rpm_limit',
    tpmLimit: 'tpm_limit',
    maxConcurrent: 'max_concurrent',
    maxBudgetUsd: 'max_budget_usd',
    spendNanos: 'spend_nanos',
  },
  ['name', 'expiresAt', 'isActive', 'maxRequests', 'allowedModels', 'updatedAt', 'revokedAt', 'rpmLimit', 'tpmLimit', 'maxConcurrent', 'maxBudgetUsd'],
);

export const adminsTable = defineTable<AdminRow>(
  'admins',
  {
    id: 'id',
    name: 'name',
    role: 'role',
    projectIds: ['project_ids', 'json'],
    tokenHash: 'token_hash',
    tokenLast4: 'token_last4',
    createdAt: 'created_at',
    updatedAt: 'updated_at',
  },
  ['name', 'role', 'projectIds', 'tokenHash', 'tokenLast4', 'updatedAt'],
);

export const settingsTable = defineTable<StoredSettingRow>('settings', { name: 'name', valueSealed: 'value_sealed', updatedAt: 'updated_at' });

export const auditTable = defineTable<AuditRow>('audit_events', {
  id: 'id',
  time: 'time',
  actor: 'actor',
  action: 'action',
  outcome: 'outcome',
  targetType: 'target_type',
  targetId: 'target_id',
  projectId: 'project_id',
  tokenId: 'token_id',
  requestId: 'request_id',
  clientIp: 'client_ip',
  details: ['details', 'json'],
});

export const deadLettersTable = defineTable<DeadLetterRow>('events_dead_letters', {
  id: 'id',
  dispatcher: 'dispatcher',
  eventId: 'event_id',
  time: 'time',
  failedAt: 'failed_at',
  attempts: 'attempts',
  error: 'error',
  payload: 'payload',
});

export const cursorsTable = defineTable<CursorRow>('event_cursors', {
  dispatcher: 'dispatcher',
  position: 'position',
  updatedAt: 'updated_at',
  leaseOwner: 'lease_owner',
  leaseUntil: 'lease_until',
});

/** Not a table: the rows of the daily usage rollup both databases compute from usage_hourly. */
export const dailyUsageShape = defineTable<DailyUsageRow>('usage_hourly', {
  key: 'key',
  day: 'day',
  requests: 'requests',
  promptTokens: 'prompt_tokens',
  completionTokens: 'completion_tokens',
  cacheHits: 'cache_hits',
});

export function newProjectRow(project: NewProject): ProjectRow {
  return {
    defaultRpmLimit: null,
    defaultTpmLimit: null,
    sharedRpmLimit: null,
    sharedTpmLimit: null,
    sharedLimitKey: null,
    cacheDefaultTtlSeconds: null,
    cacheSharedAcrossTokens: true,
    monthlyBudgetUsd: null,
    ...project,
    transformations: project.transformations ?? {},
    prices: project.prices ?? {},
    updatedAt: project.createdAt,
    deactivatedAt: null,
  };
}

export function newTokenRow(token: NewToken): TokenRow {
  return {
    rpmLimit: null,
    tpmLimit: null,
    maxConcurrent: null,
    maxBudgetUsd: null,
    ...token,
    requestCount: 0,
    spendNanos: 0,
    promptTokens: 0,
    completionTokens: 0,
    cacheHitCount: 0,
    updatedAt: token.createdAt,
    lastUsedAt: null,
    revokedAt: null,
  };
}

/** A new key's full row: no usage yet, updated when created. */
export function newUpstreamKeyRow(key: NewUpstreamKey): UpstreamKeyRow {
  return {
    ...key,
    updatedAt: key.createdAt,
    lastUsedAt: null,
    requestCount: 0,
    failureCount: 0,
    promptTokens: 0,
    completionTokens: 0,
    lastErrorAt: null,
    lastError: null,
  };
}

/** Keys grouped by project id, each list in the order given (oldest first). */
export function groupByProject(keys: UpstreamKeyRow[]): Map<string, UpstreamKeyRow[]> {
  const byProject = new Map<string, UpstreamKeyRow[]>();
  for (const key of keys) {
    const list = byProject.get(key.projectId);
    if (list) list.push(key);
    else byProject.set(key.projectId, [key]);
  }
  return byProject;
}
