// Opens the PostgreSQL store (node-postgres): a bounded pool with a statement timeout, the newer-schema
// refusal, pending migrations under the advisory lock, and the repositories behind the same Store
// interface as SQLite. Selected by LLM_PROXY_DATABASE_URL=postgres://… (see open-store.ts).
import pg from 'pg';
import { migrations } from '../../../migrations/index.ts';
import { AppError } from '../errors.ts';
import { appliedPostgresMigrationNames, createPostgresMigrator, refuseNewerPostgresSchema } from './postgres-migrator.ts';
import { postgresAdminRepository } from './postgres-admins.ts';
import { postgresSettingRepository } from './postgres-settings.ts';
import { postgresAuditRepository } from './postgres-audit.ts';
import { postgresMoneyRepository } from './postgres-money.ts';
import { postgresEventRepository } from './postgres-events.ts';
import { postgresProjectRepository } from './postgres-projects.ts';
import { postgresTokenRepository } from './postgres-tokens.ts';
import { postgresUpstreamKeyRepository } from './postgres-upstream-keys.ts';
import { redactPostgresUrl } from './postgres-url.ts';
import { postgresUsageRepository } from './postgres-usage.ts';
import type { Store, StoreInfo } from './types.ts';

export interface PostgresStoreOptions {
  /** postgres:// or postgresql:// connection URL. */
  url: string;
  /** Apply pending migrations on open (default true). `llm-proxy migrate` opens with false. */
  migrate?: boolean;
  /** Schema to use instead of the connection's default search_path (tests use scratch schemas). */
  schema?: string;
  /** Pool size (default 10). */
  maxConnections?: number;
  /** Per-statement limit in ms (default 15000). */
  statementTimeoutMs?: number;
}

export type PostgresStore = Store & { pool: pg.Pool };

const INT8_OID = 20;
// BIGINT arrives as a string by default; every BIGINT here is epoch ms or a counter well below 2^53.
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary' ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

export { redactPostgresUrl } from './postgres-url.ts';

export function createPostgresPool(opts: PostgresStoreOptions): pg.Pool {
  const searchPath = opts.schema ? `-c search_path=${pg.escapeIdentifier(opts.schema)}` : undefined;
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.maxConnections ?? 10,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 5_000,
    statement_timeout: opts.statementTimeoutMs ?? 15_000,
    application_name: 'llm-proxy',
    types,
    ...(searchPath ? { options: searchPath } : {}),
  });
  // An idle client that loses its server emits 'error' on the pool; without a listener Node would exit.
  pool.on('error', () => {});
  return pool;
}

export async function openPostgresStore(opts: PostgresStoreOptions): Promise<PostgresStore> {
  const location = redactPostgresUrl(opts.url);
  const pool = createPostgresPool(opts);
  let schemaVersion: string | null = null;
  try {
    const client = await pool.connect().catch((err: unknown) => {
      throw new AppError('store_unavailable', `Cannot connect to PostgreSQL at ${location}: ${err instanceof Error ? err.message : String(err)}`);
    });
    try {
      await refuseNewerPostgresSchema(client, location, migrations);
      if (opts.migrate !== false) await createPostgresMigrator(client).up();
      schemaVersion = (await appliedPostgresMigrationNames(client)).at(-1) ?? null;
    } finally {
      client.release();
    }
  } catch (err) {
    await pool.end().catch(() => {});
    throw err;
  }
  return assemblePostgresStore(pool, location, schemaVersion);
}

function assemblePostgresStore(pool: pg.Pool, location: string, initialVersion: string | null): PostgresStore {
  let closed = false;
  let schemaVersion = initialVersion;
  // info() is synchronous: it answers the last version read and refreshes it in the background
  // (`llm-proxy migrate` in another process may move the schema).
  const refreshVersion = () => {
    if (closed) return;
    appliedPostgresMigrationNames(pool)
      .then((names) => (schemaVersion = names.at(-1) ?? null))
      .catch(() => {});
  };
  const projects = postgresProjectRepository(pool);
  const upstreamKeys = postgresUpstreamKeyRepository(pool);
  const admins = postgresAdminRepository(pool);
  const settings = postgresSettingRepository(pool);
  const tokens = postgresTokenRepository(pool);
  const audit = postgresAuditRepository(pool);
  const usage = postgresUsageRepository(pool);
  const money = postgresMoneyRepository(pool);
  const events = postgresEventRepository(pool);
  return {
    pool,
    projects,
    upstreamKeys,
    admins,
    settings,
    tokens,
    audit,
    usage,
    money,
    events,
    info(): StoreInfo {
      refreshVersion();
      return { kind: 'postgres', location, schemaVersion };
    },
    async ping() {
      if (closed) throw new AppError('store_unavailable', 'The database is closed');
      try {
        await pool.query('SELECT 1');
      } catch (err) {
        throw new AppError('store_unavailable', `PostgreSQL at ${location} does not answer: ${err instanceof Error ? err.message : String(err)}`);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
