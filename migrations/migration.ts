// The shape of one schema step. Steps are synchronous (better-sqlite3); the migrator wraps each in a
// transaction together with its bookkeeping row, so a step must not BEGIN or COMMIT by itself.
import type { Database } from 'better-sqlite3';

export interface Migration {
  /** Equals the file name without `.ts`, e.g. `0001_initial`. Never renamed once released. */
  name: string;
  up(db: Database): void;
  down(db: Database): void;
}
