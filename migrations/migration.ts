// The shape of one schema step: one history for both databases, with the dialect differences kept inside
// each step.
//
// SQLite keeps its synchronous `up(db)` / `down(db)` on the better-sqlite3 connection (unchanged, so the
// SQLite migrator, its transaction per step and its tests stay exactly as they were). Every step also
// carries a `postgres` variant that receives `exec(sql)` on the one connection the PostgreSQL migrator
// holds. Both runners wrap each step in a transaction together with its bookkeeping row, so a step must
// not BEGIN or COMMIT by itself (PostgreSQL DDL is transactional, like SQLite's).
//
// Usual differences: epoch milliseconds are BIGINT in PostgreSQL (INTEGER in SQLite is already 64-bit),
// flags are BOOLEAN instead of 0/1, AUTOINCREMENT becomes an identity column, and the append-only audit
// trigger is PL/pgSQL. JSON stays TEXT in both so search over the stored text behaves the same.
import type { Database } from 'better-sqlite3';

/** Runs one or more SQL statements (no parameters) on the migrating PostgreSQL connection. */
export type PgExec = (sql: string) => Promise<void>;

export interface PostgresStep {
  up(exec: PgExec): Promise<void>;
  down(exec: PgExec): Promise<void>;
}

export interface Migration {
  /** Equals the file name without `.ts`, e.g. `0001_initial`. Never renamed once released. */
  name: string;
  up(db: Database): void;
  down(db: Database): void;
  /**
   * The same step for PostgreSQL. Optional in the type only so SQLite-only test steps stay short;
   * every step in migrations/index.ts must have one (migrations/schema.test.ts checks it).
   */
  postgres?: PostgresStep;
}
