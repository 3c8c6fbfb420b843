// Shared by the store's tests: a fresh data folder per test, and rows with sensible defaults.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { onTestFinished } from 'vitest';
import { newId } from '../ids.ts';
import { openSqliteStore, type SqliteStore } from './sqlite.ts';
import type { AuditRow, NewProject, NewToken, NewUpstreamKey } from './types.ts';

/** A temp dir removed when the current test finishes. */
export async function tempDir(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'llm-proxy-store-'));
  onTestFinished(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A migrated store in its own temp dir, closed when the current test finishes. */
export async function tempStore(): Promise<SqliteStore & { file: string }> {
  const file = path.join(await tempDir(), 'data', 'llm-proxy.db');
  const store = await openSqliteStore({ file });
  onTestFinished(() => store.close());
  return Object.assign(store, { file });
}

export const T0 = Date.UTC(2025, 0, 1);

export function sampleProject(overrides: Partial<NewProject> = {}): NewProject {
  return {
    id: newId(),
    name: `project-${newId()}`,
    provider: 'openai',
    baseUrl: 'https://api.openai.com/v1',
    isActive: true,
    createdAt: T0,
    ...overrides,
  };
}

export function sampleKey(projectId: string, overrides: Partial<NewUpstreamKey> = {}): NewUpstreamKey {
  return {
    id: newId(),
    projectId,
    label: 'default',
    keySealed: 'v1.sealed-key',
    keyLast4: 'abcd',
    weight: 1,
    isEnabled: true,
    createdAt: T0,
    ...overrides,
  };
}

/** `projects.create`'s arguments for a project with one key: `store.projects.create(...withOneKey(sampleProject()))`. */
export function withOneKey(project: NewProject, key: Partial<NewUpstreamKey> = {}): [NewProject, NewUpstreamKey[]] {
  return [project, [sampleKey(project.id, key)]];
}

export function sampleToken(projectId: string, overrides: Partial<NewToken> = {}): NewToken {
  return {
    id: newId(),
    projectId,
    name: null,
    tokenHash: `hash-${newId()}`,
    tokenLast4: 'wxyz',
    expiresAt: T0 + 8 * 3600_000,
    isActive: true,
    maxRequests: null,
    allowedModels: null,
    createdAt: T0,
    ...overrides,
  };
}

export function sampleAudit(overrides: Partial<AuditRow> = {}): AuditRow {
  return {
    id: newId(),
    time: T0,
    actor: 'management',
    action: 'project.create',
    outcome: 'success',
    targetType: null,
    targetId: null,
    projectId: null,
    tokenId: null,
    requestId: null,
    clientIp: null,
    details: {},
    ...overrides,
  };
}
