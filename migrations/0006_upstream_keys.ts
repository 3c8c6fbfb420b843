// Several upstream keys per project (table upstream_keys), and per-project request transformations.
//
// Each project's one key moves into upstream_keys as the row labelled 'default' (weight 1, enabled):
// key_sealed is copied verbatim — the seal's associated data is the project id, which the key row keeps,
// so the blob stays valid — and the migrated row's id is the project's own id (ids are UUIDv7 strings;
// the project's is as good as any and keeps the move deterministic). projects then loses api_key_sealed
// and api_key_last4, gains transformations (JSON object, '{}' = none) and drops the CHECK on provider:
// the providers are data (main/core/proxy/providers.ts) and the API validates them, so adding one needs
// no schema step.
//
// SQLite cannot drop a CHECK constraint, so projects is rebuilt inside the step's transaction, with
// foreign keys still on: `defer_foreign_keys` lets DROP TABLE count the child rows it orphans (tokens,
// usage_hourly, upstream_keys) instead of failing, re-inserting the same project ids resolves them, and
// the final foreign_key_check (and COMMIT) refuses anything left dangling.
//
// Down puts back each project's key — its oldest enabled key, else its oldest (ties by id) — and drops
// upstream_keys and transformations. It refuses (the step fails, nothing changes) while a project uses a
// provider the older build does not know or has no key at all.
import type { Database } from 'better-sqlite3';

/** The projects table as 0001–0005 left it, verbatim, so down gives back exactly that schema. */
const PROJECTS_0005 = `CREATE TABLE projects (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL UNIQUE,
      provider TEXT NOT NULL DEFAULT 'openai' CHECK (provider IN ('openai', 'anthropic')),
      base_url TEXT NOT NULL,
      api_key_sealed TEXT NOT NULL,
      api_key_last4 TEXT NOT NULL,
      is_active INTEGER NOT NULL DEFAULT 1,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      deactivated_at INTEGER NULL
    , default_rpm_limit INTEGER NULL CHECK (default_rpm_limit IS NULL OR default_rpm_limit >= 0), default_tpm_limit INTEGER NULL CHECK (default_tpm_limit IS NULL OR default_tpm_limit >= 0), shared_rpm_limit INTEGER NULL CHECK (shared_rpm_limit IS NULL OR shared_rpm_limit >= 0), shared_tpm_limit INTEGER NULL CHECK (shared_tpm_limit IS NULL OR shared_tpm_limit >= 0), shared_limit_key TEXT NULL, cache_default_ttl_seconds INTEGER NULL CHECK (cache_default_ttl_seconds IS NULL OR cache_default_ttl_seconds >= 0), cache_shared_across_tokens INTEGER NOT NULL DEFAULT 1 CHECK (cache_shared_across_tokens IN (0, 1)))`;

const PROJECTS_0006 = `CREATE TABLE projects (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL UNIQUE,
      provider TEXT NOT NULL DEFAULT 'openai', -- one of main/core/proxy/providers.ts, checked by the API
      base_url TEXT NOT NULL,
      is_active INTEGER NOT NULL DEFAULT 1,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      deactivated_at INTEGER NULL,
      default_rpm_limit INTEGER NULL CHECK (default_rpm_limit IS NULL OR default_rpm_limit >= 0),
      default_tpm_limit INTEGER NULL CHECK (default_tpm_limit IS NULL OR default_tpm_limit >= 0),
      shared_rpm_limit INTEGER NULL CHECK (shared_rpm_limit IS NULL OR shared_rpm_limit >= 0),
      shared_tpm_limit INTEGER NULL CHECK (shared_tpm_limit IS NULL OR shared_tpm_limit >= 0),
      shared_limit_key TEXT NULL, -- NULL = a fingerprint of the project's first upstream key
      cache_default_ttl_seconds INTEGER NULL CHECK (cache_default_ttl_seconds IS NULL OR cache_default_ttl_seconds >= 0),
      cache_shared_across_tokens INTEGER NOT NULL DEFAULT 1 CHECK (cache_shared_across_tokens IN (0, 1)),
      transformations TEXT NOT NULL DEFAULT '{}' -- JSON object (ProjectTransformations); '{}' = none
    )`;

/** Columns both versions of projects share, in either table's order. */
const SHARED_COLUMNS = [
  'id',
  'name',
  'provider',
  'base_url',
  'is_active',
  'created_at',
  'updated_at',
  'deactivated_at',
  'default_rpm_limit',
  'default_tpm_limit',
  'shared_rpm_limit',
  'shared_tpm_limit',
  'shared_limit_key',
  'cache_default_ttl_seconds',
  'cache_shared_across_tokens',
].join(', ');

// The UNIQUE (project_id, label) index leads with project_id, so it also serves lookups by project and
// the foreign-key checks: no separate project_id index.
const upstreamKeysTable = (dialect: 'sqlite' | 'postgres') => {
  const ms = dialect === 'sqlite' ? 'INTEGER' : 'BIGINT';
  const flag = dialect === 'sqlite' ? 'INTEGER NOT NULL DEFAULT 1 CHECK (is_enabled IN (0, 1))' : 'BOOLEAN NOT NULL DEFAULT TRUE';
  return `
    CREATE TABLE upstream_keys (
      id TEXT PRIMARY KEY,
      project_id TEXT NOT NULL REFERENCES projects(id),
      label TEXT NOT NULL, -- unique within the project
      key_sealed TEXT NOT NULL, -- AES-256-GCM, associated data = the project id
      key_last4 TEXT NOT NULL,
      weight INTEGER NOT NULL DEFAULT 1 CHECK (weight BETWEEN 1 AND 1000),
      is_enabled ${flag},
      created_at ${ms} NOT NULL,
      updated_at ${ms} NOT NULL,
      last_used_at ${ms} NULL,
      request_count ${ms} NOT NULL DEFAULT 0,
      failure_count ${ms} NOT NULL DEFAULT 0,
      prompt_tokens ${ms} NOT NULL DEFAULT 0,
      completion_tokens ${ms} NOT NULL DEFAULT 0,
      last_error_at ${ms} NULL,
      last_error TEXT NULL, -- a stable code or status_<n>, never an upstream message
      CONSTRAINT upstream_keys_project_label_key UNIQUE (project_id, label)
    )`;
};

const MOVE_KEYS = (enabled: string) => `
  INSERT INTO upstream_keys (id, project_id, label, key_sealed, key_last4, weight, is_enabled, created_at, updated_at)
  SELECT id, id, 'default', api_key_sealed, api_key_last4, 1, ${enabled}, created_at, created_at FROM projects`;

/** The key a project gets back on down: its oldest enabled key, else its oldest; `collate` for PostgreSQL's byte order. */
const KEY_FOR_DOWN = (column: string, collate: string) =>
  `(SELECT k.${column} FROM upstream_keys k WHERE k.project_id = projects.id ORDER BY k.is_enabled DESC, k.created_at, k.id${collate} LIMIT 1)`;

const OLD_PROVIDERS = `('openai', 'anthropic')`;
const UNKNOWN_PROVIDER_MESSAGE = 'cannot go back before 0006_upstream_keys while projects use providers other than openai and anthropic';
const NO_KEY_MESSAGE = 'cannot go back before 0006_upstream_keys while a project has no upstream key';

export function up(db: Database): void {
  db.pragma('defer_foreign_keys = ON');
  db.exec(`
    ${upstreamKeysTable('sqlite')};
    ${MOVE_KEYS('1')};

    CREATE TABLE projects_0006_copy AS SELECT ${SHARED_COLUMNS} FROM projects;
    DROP TABLE projects;
    ${PROJECTS_0006};
    INSERT INTO projects (${SHARED_COLUMNS}) SELECT ${SHARED_COLUMNS} FROM projects_0006_copy;
    DROP TABLE projects_0006_copy;
  `);
  refuseDanglingReferences(db);
}

export function down(db: Database): void {
  const unknownProviders = db.prepare(`SELECT count(*) FROM projects WHERE provider NOT IN ${OLD_PROVIDERS}`).pluck().get() as number;
  if (unknownProviders > 0) throw new Error(`${UNKNOWN_PROVIDER_MESSAGE} (${unknownProviders} project(s))`);
  const keyless = db
    .prepare('SELECT count(*) FROM projects WHERE NOT EXISTS (SELECT 1 FROM upstream_keys k WHERE k.project_id = projects.id)')
    .pluck()
    .get() as number;
  if (keyless > 0) throw new Error(`${NO_KEY_MESSAGE} (${keyless} project(s))`);

  db.pragma('defer_foreign_keys = ON');
  db.exec(`
    CREATE TABLE projects_0006_copy AS
      SELECT ${SHARED_COLUMNS}, ${KEY_FOR_DOWN('key_sealed', '')} AS api_key_sealed, ${KEY_FOR_DOWN('key_last4', '')} AS api_key_last4 FROM projects;
    DROP TABLE upstream_keys;
    DROP TABLE projects;
    ${PROJECTS_0005};
    INSERT INTO projects (${SHARED_COLUMNS}, api_key_sealed, api_key_last4)
      SELECT ${SHARED_COLUMNS}, api_key_sealed, api_key_last4 FROM projects_0006_copy;
    DROP TABLE projects_0006_copy;
  `);
  refuseDanglingReferences(db);
}

/** The rebuild must leave every reference resolved; failing here names the table instead of failing at COMMIT. */
function refuseDanglingReferences(db: Database): void {
  const dangling = db.pragma('foreign_key_check') as { table: string; parent: string }[];
  if (dangling.length > 0) {
    throw new Error(`rebuilding projects left ${dangling.length} row(s) of ${[...new Set(dangling.map((d) => d.table))].join(', ')} without their project`);
  }
}

export const postgres = {
  async up(exec: (sql: string) => Promise<void>): Promise<void> {
    await exec(`
      ${upstreamKeysTable('postgres')};
      ${MOVE_KEYS('TRUE')};
      ALTER TABLE projects
        DROP COLUMN api_key_sealed,
        DROP COLUMN api_key_last4,
        DROP CONSTRAINT projects_provider_check,
        ADD COLUMN transformations TEXT NOT NULL DEFAULT '{}';
    `);
  },
  async down(exec: (sql: string) => Promise<void>): Promise<void> {
    await exec(`
      DO $$
      BEGIN
        IF EXISTS (SELECT 1 FROM projects WHERE provider NOT IN ${OLD_PROVIDERS}) THEN
          RAISE EXCEPTION '${UNKNOWN_PROVIDER_MESSAGE}';
        END IF;
        IF EXISTS (SELECT 1 FROM projects WHERE NOT EXISTS (SELECT 1 FROM upstream_keys k WHERE k.project_id = projects.id)) THEN
          RAISE EXCEPTION '${NO_KEY_MESSAGE}';
        END IF;
      END
      $$;
      ALTER TABLE projects ADD COLUMN api_key_sealed TEXT NULL, ADD COLUMN api_key_last4 TEXT NULL;
      UPDATE projects SET api_key_sealed = ${KEY_FOR_DOWN('key_sealed', ' COLLATE "C"')}, api_key_last4 = ${KEY_FOR_DOWN('key_last4', ' COLLATE "C"')};
      ALTER TABLE projects
        ALTER COLUMN api_key_sealed SET NOT NULL,
        ALTER COLUMN api_key_last4 SET NOT NULL,
        DROP COLUMN transformations,
        ADD CONSTRAINT projects_provider_check CHECK (provider IN ${OLD_PROVIDERS});
      DROP TABLE upstream_keys;
    `);
  },
};
