// Runs the schema steps in migrations/ with umzug (up, down, status) against one PostgreSQL schema,
// on one connection: each step's `postgres` variant, its bookkeeping row and the COMMIT share a
// transaction, like the SQLite migrator. `up` and `down` hold a session advisory lock
// (pg_advisory_lock) named after the database and schema, so instances that start at once run every
// step exactly once: the second waits, then finds nothing pending.
import pg, { type ClientBase } from 'pg';
import { Umzug, type UmzugStorage } from 'umzug';
import { migrations as knownMigrations, type Migration } from '../../../migrations/index.ts';
import { AppError } from '../errors.ts';
import { redactPostgresUrl } from './postgres-url.ts';
import { MIGRATIONS_TABLE, toMigrationFailed, type MigrationStatus, type Migrator } from './migrator.ts';

/** The advisory lock key: one per database and schema. */
const LOCK_KEY_SQL = `hashtext('llm-proxy migrations ' || current_database() || '.' || current_schema())`;

export function createPostgresMigrator(client: ClientBase, list: Migration[] = knownMigrations): Migrator {
  let inTransaction = false;
  const exec = async (sql: string) => {
    await client.query(sql);
  };

  const storage: UmzugStorage = {
    async logMigration({ name }) {
      await client.query(`CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (name TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)`);
      await client.query(`INSERT INTO ${MIGRATIONS_TABLE} (name, applied_at) VALUES ($1, $2)`, [name, Date.now()]);
      await client.query('COMMIT');
      inTransaction = false;
    },
    async unlogMigration({ name }) {
      await client.query(`DELETE FROM ${MIGRATIONS_TABLE} WHERE name = $1`, [name]);
      await client.query('COMMIT');
      inTransaction = false;
    },
    async executed() {
      return appliedPostgresMigrationNames(client);
    },
  };

  const step = (m: Migration, direction: 'up' | 'down') => async () => {
    if (!m.postgres) throw new Error(`${m.name} has no PostgreSQL variant`);
    await client.query('BEGIN');
    inTransaction = true;
    await m.postgres[direction](exec);
  };

  const umzug = new Umzug({
    migrations: list.map((m) => ({ name: m.name, up: step(m, 'up'), down: step(m, 'down') })),
    storage,
    logger: undefined,
  });

  async function locked(run: () => Promise<{ name: string }[]>): Promise<string[]> {
    await client.query(`SELECT pg_advisory_lock(${LOCK_KEY_SQL})`);
    try {
      return (await run()).map((m) => m.name);
    } catch (err) {
      if (inTransaction) {
        await client.query('ROLLBACK').catch(() => {});
        inTransaction = false;
      }
      throw toMigrationFailed(err);
    } finally {
      await client.query(`SELECT pg_advisory_unlock(${LOCK_KEY_SQL})`).catch(() => {});
    }
  }

  return {
    up: () => locked(() => umzug.up()),
    down: (opts = {}) => {
      if (opts.to !== undefined && opts.step !== undefined) {
        return Promise.reject(new AppError('validation_failed', 'Give either a target migration or a number of steps, not both'));
      }
      return locked(() => umzug.down(opts.to !== undefined ? { to: opts.to } : opts.step !== undefined ? { step: opts.step } : {}));
    },
    async status(): Promise<MigrationStatus> {
      const pending = await umzug.pending();
      return {
        applied: await appliedPostgresMigrationNames(client),
        pending: pending.map((m) => m.name),
        latestKnown: list.at(-1)?.name ?? '',
      };
    },
  };
}

/** Names recorded in schema_migrations (in the current schema), oldest first; empty before the first step. */
export async function appliedPostgresMigrationNames(client: Pick<ClientBase, 'query'>): Promise<string[]> {
  const exists = await client.query<{ t: string | null }>(`SELECT to_regclass('${MIGRATIONS_TABLE}')::text AS t`);
  if (!exists.rows[0]?.t) return [];
  const rows = await client.query<{ name: string }>(`SELECT name FROM ${MIGRATIONS_TABLE} ORDER BY name`);
  return rows.rows.map((r) => r.name);
}

/** Throws schema_too_new when schema_migrations names a step this build does not know. */
export async function refuseNewerPostgresSchema(client: Pick<ClientBase, 'query'>, location: string, known: Migration[] = knownMigrations): Promise<void> {
  const knownNames = new Set(known.map((m) => m.name));
  const newest = (await appliedPostgresMigrationNames(client)).filter((n) => !knownNames.has(n)).at(-1);
  if (newest === undefined) return;
  throw new AppError(
    'schema_too_new',
    `The database at ${location} was migrated by a newer LLM Proxy (schema ${newest}); this build knows up to ${known.at(-1)?.name ?? '(none)'}. ` +
      'Upgrade LLM Proxy or point it at another database.',
  );
}

/** One connection for `llm-proxy migrate`: refuses a newer schema, then hands out the migrator. */
export async function openPostgresMigrator(url: string): Promise<{ migrator: Migrator; close(): Promise<void> }> {
  const location = redactPostgresUrl(url);
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000, application_name: 'llm-proxy migrate' });
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => {});
    throw new AppError('store_unavailable', `Cannot connect to PostgreSQL at ${location}: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    await refuseNewerPostgresSchema(client, location);
  } catch (err) {
    await client.end().catch(() => {});
    throw err;
  }
  return { migrator: createPostgresMigrator(client), close: () => client.end() };
}
