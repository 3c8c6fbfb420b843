// Which rate limits apply to one request: the token's own (or its project's defaults) and the budget
// shared by everyone who holds the same upstream key. Pure: rows in, rules out.
import { createHash } from 'node:crypto';
import type { ProjectRow, TokenRow } from '../store/types.ts';

export type LimitName = 'token_rpm' | 'token_tpm' | 'shared_rpm' | 'shared_tpm';
export type LimitUnit = 'requests' | 'tokens';

export interface LimitRule {
  name: LimitName;
  unit: LimitUnit;
  /** Whose budget: a token id, or a shared limit key. */
  key: string;
  /** Allowed per window. */
  points: number;
}

/** A project's limits as the request path needs them (resolved once per project load). */
export interface ProjectLimits {
  defaultRpm: number | null;
  defaultTpm: number | null;
  sharedRpm: number | null;
  sharedTpm: number | null;
  /** The explicit shared_limit_key, or the upstream key's fingerprint. */
  sharedKey: string;
}

export function projectLimitsOf(row: ProjectRow, upstreamKey: string): ProjectLimits {
  return {
    defaultRpm: row.defaultRpmLimit,
    defaultTpm: row.defaultTpmLimit,
    sharedRpm: row.sharedRpmLimit,
    sharedTpm: row.sharedTpmLimit,
    sharedKey: row.sharedLimitKey ?? upstreamKeyFingerprint(upstreamKey),
  };
}

/**
 * Names the budget of an upstream key without revealing it: instances with separate stores and data
 * keys that hold the same provider key arrive at the same name, so they share one budget in Redis.
 * Provider keys carry well over 128 bits of randomness, so a plain hash cannot be reversed.
 */
export function upstreamKeyFingerprint(upstreamKey: string): string {
  return 'fp-' + createHash('sha256').update('llm-proxy shared limit v1\0').update(upstreamKey).digest('hex').slice(0, 32);
}

/** null inherits, 0 (or null with no default) means no limit. */
function effective(own: number | null, fallback: number | null): number | null {
  const value = own ?? fallback;
  return value && value > 0 ? value : null;
}

export function rulesFor(token: TokenRow, project: ProjectLimits): LimitRule[] {
  const rules: LimitRule[] = [];
  const rpm = effective(token.rpmLimit, project.defaultRpm);
  const tpm = effective(token.tpmLimit, project.defaultTpm);
  if (rpm) rules.push({ name: 'token_rpm', unit: 'requests', key: token.id, points: rpm });
  if (tpm) rules.push({ name: 'token_tpm', unit: 'tokens', key: token.id, points: tpm });
  if (project.sharedRpm) rules.push({ name: 'shared_rpm', unit: 'requests', key: project.sharedKey, points: project.sharedRpm });
  if (project.sharedTpm) rules.push({ name: 'shared_tpm', unit: 'tokens', key: project.sharedKey, points: project.sharedTpm });
  return rules;
}
