// A token row for the pass tests: active, unlimited, no models list; each test overrides what it needs.
import type { TokenRow } from '../../store/types.ts';

export function sampleTokenRow(overrides: Partial<TokenRow> = {}): TokenRow {
  return {
    id: 'tok-1',
    projectId: 'proj-1',
    name: null,
    tokenHash: 'h',
    tokenLast4: 'abcd',
    expiresAt: Number.MAX_SAFE_INTEGER,
    isActive: true,
    maxRequests: null,
    requestCount: 0,
    allowedModels: null,
    promptTokens: 0,
    completionTokens: 0,
    cacheHitCount: 0,
    createdAt: 0,
    updatedAt: 0,
    lastUsedAt: null,
    revokedAt: null,
    rpmLimit: null,
    tpmLimit: null,
    maxConcurrent: null,
    maxBudgetUsd: null,
    spendNanos: 0,
    ...overrides,
  };
}
