// Runs the schema steps in migrations/ with umzug (up, down, status) against one SQLite database.
// Each step runs in one transaction together with its bookkeeping row and PRAGMA user_version, so a
// step that fails leaves both the schema and schema_migrations exactly as they were.
import type { Database } from 'better-sqlite3';
import { Umzug, MigrationError, type UmzugStorage } from 'umzug';
import { migrations as knownMigrations, type Migration } from '../../../migrations/index.ts';
import { AppError } from '../errors.ts';

export interface MigrationStatus {
  /** Names in schema_migrations, including any this build does not know. */
  applied: string[];
  pending: string[];
  latestKnown: string;
}

export interface Migrator {
  /** Applies every pending step; returns the names applied. */
  up(): Promise<string[]>;
  /** Reverts the last step by default; `to: 0` reverts all, `to: name` down to and including it. */
  down(opts?: { to?: string | 0; step?: number }): Promise<string[]>;
  status(): Promise<MigrationStatus>;
}

export const MIGRATIONS_TABLE = 'schema_migrations';

export function createMigrator(db: Database, list: Migration[] = knownMigrations): Migrator {
  const position = new Map(list.map((m, i) => [m.name, i + 1]));

  // The transaction opens in the step wrapper (before the step runs) and commits here (after its row
  // is written): umzug calls the step, then the storage, with nothing in between that touches the db.
  const storage: UmzugStorage = {
    async logMigration({ name }) {
      db.exec(`CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)`);
      db.prepare(`INSERT INTO ${MIGRATIONS_TABLE} (name, applied_at) VALUES (?, ?)`).run(name, Date.now());
      setUserVersion(db, position.get(name) ?? 0);
      db.exec('COMMIT');
    },
    async unlogMigration({ name }) {
      db.prepare(`DELETE FROM ${MIGRATIONS_TABLE} WHERE name = ?`).run(name);
      setUserVersion(db, (position.get(name) ?? 1) - 1);
      db.exec('COMMIT');
    },
    async executed() {
      return appliedMigrationNames(db);
    },
  };

  const umzug = new Umzug({
    migrations: list.map((m) => ({
      name: m.name,
      up: async () => runInOpenTransaction(db, () => m.up(db)),
      down: async () => runInOpenTransaction(db, () => m.down(db)),
    })),
    storage,
    logger: undefined,
  });

  async function guarded(run: () => Promise<{ name: string }[]>): Promise<string[]> {
    try {
      return (await run()).map((m) => m.name);
    } catch (err) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw toMigrationFailed(err);
    }
  }

  return {
    up: () => guarded(() => umzug.up()),
    down: (opts = {}) => {
      if (opts.to !== undefined && opts.step !== undefined) {
        return Promise.reject(new AppError('validation_failed', 'Give either a target migration or a number of steps, not both'));
      }
      return guarded(() => umzug.down(opts.to !== undefined ? { to: opts.to } : opts.step !== undefined ? { step: opts.step } : {}));
    },
    async status() {
      const pending = await umzug.pending();
      return {
        applied: appliedMigrationNames(db),
        pending: pending.map((m) => m.name),
        latestKnown: list.at(-1)?.name ?? '',
      };
    },
  };
}

/** Names recorded in schema_migrations, oldest first; empty when the table does not exist yet. */
export function appliedMigrationNames(db: Database): string[] {
  const table = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(MIGRATIONS_TABLE);
  if (!table) return [];
  const rows = db.prepare(`SELECT name FROM ${MIGRATIONS_TABLE} ORDER BY name`).pluck().all() as string[];
  return rows;
}

function runInOpenTransaction(db: Database, step: () => void): void {
  db.exec('BEGIN IMMEDIATE');
  try {
    step();
  } catch (err) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw err;
  }
}

// user_version mirrors the position of the last applied step in the file header, where a newer
// schema can be detected without opening (and so without touching) the database.
function setUserVersion(db: Database, version: number): void {
  db.pragma(`user_version = ${Math.trunc(version)}`);
}

export function toMigrationFailed(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const cause = err instanceof MigrationError ? err.cause : err;
  const step = err instanceof MigrationError ? `Migration ${err.migration.name} (${err.migration.direction})` : 'Migration';
  const reason = cause instanceof Error ? cause.message : String(cause);
  const failed = new AppError('migration_failed', `${step} failed: ${reason}`);
  Object.defineProperty(failed, 'cause', { value: cause });
  return failed;
}
