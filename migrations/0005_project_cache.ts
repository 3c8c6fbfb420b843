// Response cache settings per project: how long POST answers are kept without a client opt-in (NULL =
// the server's --cache-default-ttl-seconds, 0 = opt-in only), and whether the project's tokens share
// cached answers (1, the default) or each token has its own.
import type { Database } from 'better-sqlite3';

export function up(db: Database): void {
  db.exec(`
    ALTER TABLE projects ADD COLUMN cache_default_ttl_seconds INTEGER NULL CHECK (cache_default_ttl_seconds IS NULL OR cache_default_ttl_seconds >= 0);
    ALTER TABLE projects ADD COLUMN cache_shared_across_tokens INTEGER NOT NULL DEFAULT 1 CHECK (cache_shared_across_tokens IN (0, 1));
  `);
}

export function down(db: Database): void {
  db.exec(`
    ALTER TABLE projects DROP COLUMN cache_shared_across_tokens;
    ALTER TABLE projects DROP COLUMN cache_default_ttl_seconds;
  `);
}

export const postgres = {
  async up(exec: (sql: string) => Promise<void>): Promise<void> {
    await exec(`
      ALTER TABLE projects ADD COLUMN cache_default_ttl_seconds INTEGER NULL CHECK (cache_default_ttl_seconds IS NULL OR cache_default_ttl_seconds >= 0);
      ALTER TABLE projects ADD COLUMN cache_shared_across_tokens BOOLEAN NOT NULL DEFAULT TRUE;
    `);
  },
  async down(exec: (sql: string) => Promise<void>): Promise<void> {
    await exec(`
      ALTER TABLE projects DROP COLUMN cache_shared_across_tokens;
      ALTER TABLE projects DROP COLUMN cache_default_ttl_seconds;
    `);
  },
};
