// The upstream_keys row as both databases hold it (snake_case), and its mapping to and from
// UpstreamKeyRow. Shared by the SQLite and PostgreSQL repositories, which differ only in how the flag is
// stored: 0/1 in SQLite, BOOLEAN in PostgreSQL (the type parameter).
import { AppError } from '../errors.ts';
import type { NewUpstreamKey, UpstreamKeyRow } from './types.ts';

export interface UpstreamKeyRecord<Flag extends number | boolean = number | boolean> {
  id: string;
  project_id: string;
  label: string;
  key_sealed: string;
  key_last4: string;
  weight: number;
  is_enabled: Flag;
  created_at: number;
  updated_at: number;
  last_used_at: number | null;
  request_count: number;
  failure_count: number;
  prompt_tokens: number;
  completion_tokens: number;
  last_error_at: number | null;
  last_error: string | null;
}

export const UPSTREAM_KEY_COLUMNS = [
  'id', 'project_id', 'label', 'key_sealed', 'key_last4', 'weight', 'is_enabled', 'created_at', 'updated_at', 'last_used_at',
  'request_count', 'failure_count', 'prompt_tokens', 'completion_tokens', 'last_error_at', 'last_error',
] as const satisfies readonly (keyof UpstreamKeyRecord)[];

/** What an update may write (usage columns are only ever added to, by addUsage). */
export const UPSTREAM_KEY_UPDATABLE = ['label', 'key_sealed', 'key_last4', 'weight', 'is_enabled', 'updated_at'] as const satisfies readonly (keyof UpstreamKeyRecord)[];

export function toUpstreamKeyRow(r: UpstreamKeyRecord): UpstreamKeyRow {
  return {
    id: r.id,
    projectId: r.project_id,
    label: r.label,
    keySealed: r.key_sealed,
    keyLast4: r.key_last4,
    weight: r.weight,
    isEnabled: r.is_enabled === true || r.is_enabled === 1,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    lastUsedAt: r.last_used_at,
    requestCount: r.request_count,
    failureCount: r.failure_count,
    promptTokens: r.prompt_tokens,
    completionTokens: r.completion_tokens,
    lastErrorAt: r.last_error_at,
    lastError: r.last_error,
  };
}

/** `flag` encodes is_enabled for the database at hand. */
export function toUpstreamKeyRecord<Flag extends number | boolean>(k: UpstreamKeyRow, flag: (enabled: boolean) => Flag): UpstreamKeyRecord<Flag> {
  return {
    id: k.id,
    project_id: k.projectId,
    label: k.label,
    key_sealed: k.keySealed,
    key_last4: k.keyLast4,
    weight: k.weight,
    is_enabled: flag(k.isEnabled),
    created_at: k.createdAt,
    updated_at: k.updatedAt,
    last_used_at: k.lastUsedAt,
    request_count: k.requestCount,
    failure_count: k.failureCount,
    prompt_tokens: k.promptTokens,
    completion_tokens: k.completionTokens,
    last_error_at: k.lastErrorAt,
    last_error: k.lastError,
  };
}

export const sqliteFlag = (enabled: boolean): number => (enabled ? 1 : 0);
export const postgresFlag = (enabled: boolean): boolean => enabled;

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

export function duplicateLabel(label: string): string {
  return `This project already has an upstream key labelled "${label}"`;
}

/** A project's first keys name that project; anything else is a caller's mistake, refused before writing. */
export function refuseKeysOfOtherProjects(projectId: string, keys: NewUpstreamKey[]): void {
  if (keys.some((k) => k.projectId !== projectId)) {
    throw new AppError('validation_failed', 'Every upstream key created with a project must belong to that project');
  }
}
