// Rows → views. The only place masking happens, so no door can forget it.
import { toIso } from '../clock.ts';
import { maskToken } from '../tokens/format.ts';
import type { KeyHealthStatus } from '../proxy/key-selector.ts';
import type { AuditRow, ProjectRow, TokenRow, UpstreamKeyRow } from '../store/types.ts';
import { noSpend, presentPrices, usdOf } from './money-fields.ts';
import { presentTransformations } from './transformations.ts';
import type { ProjectSpend } from '../store/money-types.ts';
import type { AuditEventView, ProjectView, TokenStatus, TokenView, UpstreamKeyView } from './views.ts';

/** `sk-…wxyz`; a short key (stored without its last four) shows nothing of itself. */
export function maskKey(last4: string): string {
  return last4 ? `sk-…${last4}` : 'sk-…(short key, hidden)';
}

/** `keys` oldest first (as the store lists them): the first one is the project's `api_key`. */
export function presentProject(row: ProjectRow, keys: readonly UpstreamKeyRow[], spend: ProjectSpend = noSpend): ProjectView {
  return {
    id: row.id,
    name: row.name,
    provider: row.provider,
    base_url: row.baseUrl,
    api_key: keys[0] ? maskKey(keys[0].keyLast4) : '',
    key_count: keys.length,
    transformations: presentTransformations(row.transformations),
    is_active: row.isActive,
    created_at: toIso(row.createdAt)!,
    updated_at: toIso(row.updatedAt)!,
    deactivated_at: toIso(row.deactivatedAt),
    default_rpm_limit: row.defaultRpmLimit,
    default_tpm_limit: row.defaultTpmLimit,
    shared_rpm_limit: row.sharedRpmLimit,
    shared_tpm_limit: row.sharedTpmLimit,
    shared_limit_key: row.sharedLimitKey,
    cache_default_ttl_seconds: row.cacheDefaultTtlSeconds,
    cache_shared_across_tokens: row.cacheSharedAcrossTokens,
    prices: presentPrices(row.prices),
    monthly_budget_usd: row.monthlyBudgetUsd,
    spend_usd: usdOf(spend.totalNanos),
    month_spend_usd: usdOf(spend.monthNanos),
  };
}

/**
 * A key row merged with this instance's health of it (`KeyHealth.status`): the store's last error is
 * flushed in batches, so the newer of the two is shown.
 */
export function presentUpstreamKey(row: UpstreamKeyRow, health: KeyHealthStatus): UpstreamKeyView {
  const liveErrorIsNewer = health.lastErrorAt !== null && (row.lastErrorAt === null || health.lastErrorAt >= row.lastErrorAt);
  const coolingDown = row.isEnabled && health.state === 'cooling_down';
  return {
    id: row.id,
    project_id: row.projectId,
    label: row.label,
    key: maskKey(row.keyLast4),
    weight: row.weight,
    is_enabled: row.isEnabled,
    health: !row.isEnabled ? 'disabled' : coolingDown ? 'cooling_down' : 'healthy',
    cooling_down_until: coolingDown ? toIso(health.coolingDownUntil) : null,
    last_error: liveErrorIsNewer ? health.lastError : row.lastError,
    last_error_at: toIso(liveErrorIsNewer ? health.lastErrorAt : row.lastErrorAt),
    last_used_at: toIso(row.lastUsedAt),
    request_count: row.requestCount,
    failure_count: row.failureCount,
    prompt_tokens: row.promptTokens,
    completion_tokens: row.completionTokens,
    created_at: toIso(row.createdAt)!,
    updated_at: toIso(row.updatedAt)!,
  };
}

export function tokenStatus(row: TokenRow, now: number): TokenStatus {
  if (!row.isActive) return 'revoked';
  if (row.expiresAt <= now) return 'expired';
  if (row.maxRequests !== null && row.requestCount >= row.maxRequests) return 'exhausted';
  return 'active';
}

export function presentToken(row: TokenRow, now: number): TokenView {
  return {
    id: row.id,
    name: row.name,
    token: maskToken(row.tokenLast4),
    project_id: row.projectId,
    expires_at: toIso(row.expiresAt)!,
    is_active: row.isActive,
    status: tokenStatus(row, now),
    request_count: row.requestCount,
    max_requests: row.maxRequests,
    allowed_models: row.allowedModels,
    prompt_tokens: row.promptTokens,
    completion_tokens: row.completionTokens,
    cache_hit_count: row.cacheHitCount,
    created_at: toIso(row.createdAt)!,
    last_used_at: toIso(row.lastUsedAt),
    revoked_at: toIso(row.revokedAt),
    rpm_limit: row.rpmLimit,
    tpm_limit: row.tpmLimit,
    max_concurrent: row.maxConcurrent,
    max_budget_usd: row.maxBudgetUsd,
    spend_usd: usdOf(row.spendNanos),
  };
}

export function presentAudit(row: AuditRow): AuditEventView {
  return {
    id: row.id,
    time: toIso(row.time)!,
    actor: row.actor,
    action: row.action,
    outcome: row.outcome,
    target_type: row.targetType,
    target_id: row.targetId,
    project_id: row.projectId,
    token_id: row.tokenId,
    request_id: row.requestId,
    client_ip: row.clientIp,
    details: row.details,
    // Key changes carry the key's label in their details (never the key); ../api/audit-key-labels.ts fills the rest.
    target_label: row.targetType === 'upstream_key' && typeof row.details.label === 'string' ? row.details.label : null,
  };
}
