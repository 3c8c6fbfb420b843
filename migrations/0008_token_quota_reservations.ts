// Durable quota reservations: an instance claims a block of a token's max_requests before it hands any of
// them out (main/core/tokens/durable-reservations.ts), so a crash between usage flushes can waste at most
// that block and never admit more than max_requests. quota_reserved counts what instances have claimed:
// used, held in memory, or lost with a crashed instance; clean shutdowns give the unused part back.
// Rows written before this step start at 0: a reservation starts from request_count when it is behind.
import type { Database } from 'better-sqlite3';

export function up(db: Database): void {
  db.exec(`
    ALTER TABLE tokens ADD COLUMN quota_reserved INTEGER NOT NULL DEFAULT 0; -- requests of max_requests claimed ahead of use
  `);
}

export function down(db: Database): void {
  db.exec(`
    ALTER TABLE tokens DROP COLUMN quota_reserved;
  `);
}

export const postgres = {
  async up(exec: (sql: string) => Promise<void>): Promise<void> {
    await exec(`
      ALTER TABLE tokens ADD COLUMN quota_reserved BIGINT NOT NULL DEFAULT 0;
    `);
  },
  async down(exec: (sql: string) => Promise<void>): Promise<void> {
    await exec(`
      ALTER TABLE tokens DROP COLUMN quota_reserved;
    `);
  },
};
