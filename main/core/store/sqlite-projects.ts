// ProjectRepository over SQLite: one row per upstream account, deactivated but never deleted. Its keys
// live in upstream_keys (sqlite-upstream-keys.ts); a project and its first keys are created together.
import type { Database } from 'better-sqlite3';
import { AppError } from '../errors.ts';
import { definedOnly } from './row-changes.ts';
import { isUniqueViolation } from './sqlite-errors.ts';
import { prepareUpstreamKeyInsert } from './sqlite-upstream-keys.ts';
import { refuseKeysOfOtherProjects } from './upstream-key-records.ts';
import type { NewProject, NewUpstreamKey, ProjectChanges, ProjectRepository, ProjectRow, ProjectTransformations, Provider } from './types.ts';

interface ProjectRecord {
  id: string;
  name: string;
  provider: Provider;
  base_url: string;
  is_active: number;
  created_at: number;
  updated_at: number;
  deactivated_at: number | null;
  default_rpm_limit: number | null;
  default_tpm_limit: number | null;
  shared_rpm_limit: number | null;
  shared_tpm_limit: number | null;
  shared_limit_key: string | null;
  cache_default_ttl_seconds: number | null;
  cache_shared_across_tokens: number;
  transformations: string;
}

export function sqliteProjectRepository(db: Database): ProjectRepository {
  const insert = db.prepare<ProjectRecord, ProjectRecord>(`
    INSERT INTO projects (id, name, provider, base_url, is_active, created_at, updated_at, deactivated_at, default_rpm_limit, default_tpm_limit,
      shared_rpm_limit, shared_tpm_limit, shared_limit_key, cache_default_ttl_seconds, cache_shared_across_tokens, transformations)
    VALUES (@id, @name, @provider, @base_url, @is_active, @created_at, @updated_at, @deactivated_at, @default_rpm_limit, @default_tpm_limit,
      @shared_rpm_limit, @shared_tpm_limit, @shared_limit_key, @cache_default_ttl_seconds, @cache_shared_across_tokens, @transformations)
    RETURNING *`);
  const insertKey = prepareUpstreamKeyInsert(db);
  const byId = db.prepare<[string], ProjectRecord>('SELECT * FROM projects WHERE id = ?');
  const all = db.prepare<[], ProjectRecord>('SELECT * FROM projects ORDER BY name, id');
  const write = db.prepare<ProjectRecord, ProjectRecord>(`
    UPDATE projects SET name = @name, base_url = @base_url, is_active = @is_active, updated_at = @updated_at, deactivated_at = @deactivated_at,
      default_rpm_limit = @default_rpm_limit, default_tpm_limit = @default_tpm_limit, shared_rpm_limit = @shared_rpm_limit,
      shared_tpm_limit = @shared_tpm_limit, shared_limit_key = @shared_limit_key,
      cache_default_ttl_seconds = @cache_default_ttl_seconds, cache_shared_across_tokens = @cache_shared_across_tokens,
      transformations = @transformations
    WHERE id = @id
    RETURNING *`);

  // Read, merge and write in one transaction so a concurrent change cannot be lost in between.
  const updateTx = db.transaction((id: string, changes: ProjectChanges, now: number): ProjectRow | null => {
    const current = byId.get(id);
    if (!current) return null;
    const merged = { ...toProjectRow(current), ...definedOnly(changes), updatedAt: now };
    return toProjectRow(write.get(toRecord(merged)) as ProjectRecord);
  });
  // The project and its first keys commit together: a refused key (taken label) leaves no project behind.
  const createTx = db.transaction((row: ProjectRow, keys: NewUpstreamKey[]): ProjectRow => {
    const created = toProjectRow(insert.get(toRecord(row)) as ProjectRecord);
    for (const key of keys) insertKey(key);
    return created;
  });

  return {
    async create(project: NewProject, keys: NewUpstreamKey[]) {
      const row: ProjectRow = {
        defaultRpmLimit: null,
        defaultTpmLimit: null,
        sharedRpmLimit: null,
        sharedTpmLimit: null,
        sharedLimitKey: null,
        cacheDefaultTtlSeconds: null,
        cacheSharedAcrossTokens: true,
        ...project,
        transformations: project.transformations ?? {},
        updatedAt: project.createdAt,
        deactivatedAt: null,
      };
      refuseKeysOfOtherProjects(row.id, keys);
      return withDuplicateName(row.name, () => createTx.immediate(row, keys));
    },
    async get(id) {
      const record = byId.get(id);
      return record ? toProjectRow(record) : null;
    },
    async list() {
      return all.all().map(toProjectRow);
    },
    async update(id, changes, now) {
      // IMMEDIATE: read then write; deferred, another connection's commit in between fails it at once.
      return withDuplicateName(changes.name ?? '', () => updateTx.immediate(id, changes, now));
    },
  };
}

function withDuplicateName<T>(name: string, write: () => T): T {
  try {
    return write();
  } catch (err) {
    if (isUniqueViolation(err, 'projects.name')) {
      throw new AppError('duplicate_name', `A project named "${name}" already exists`);
    }
    throw err;
  }
}

function toProjectRow(r: ProjectRecord): ProjectRow {
  return {
    id: r.id,
    name: r.name,
    provider: r.provider,
    baseUrl: r.base_url,
    isActive: r.is_active === 1,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    deactivatedAt: r.deactivated_at,
    defaultRpmLimit: r.default_rpm_limit,
    defaultTpmLimit: r.default_tpm_limit,
    sharedRpmLimit: r.shared_rpm_limit,
    sharedTpmLimit: r.shared_tpm_limit,
    sharedLimitKey: r.shared_limit_key,
    cacheDefaultTtlSeconds: r.cache_default_ttl_seconds,
    cacheSharedAcrossTokens: r.cache_shared_across_tokens === 1,
    transformations: JSON.parse(r.transformations) as ProjectTransformations,
  };
}

function toRecord(p: ProjectRow): ProjectRecord {
  return {
    id: p.id,
    name: p.name,
    provider: p.provider,
    base_url: p.baseUrl,
    is_active: p.isActive ? 1 : 0,
    created_at: p.createdAt,
    updated_at: p.updatedAt,
    deactivated_at: p.deactivatedAt,
    default_rpm_limit: p.defaultRpmLimit,
    default_tpm_limit: p.defaultTpmLimit,
    shared_rpm_limit: p.sharedRpmLimit,
    shared_tpm_limit: p.sharedTpmLimit,
    shared_limit_key: p.sharedLimitKey,
    cache_default_ttl_seconds: p.cacheDefaultTtlSeconds,
    cache_shared_across_tokens: p.cacheSharedAcrossTokens ? 1 : 0,
    transformations: JSON.stringify(p.transformations),
  };
}
