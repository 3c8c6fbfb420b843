// Unpriced answers in the usage history: spend_hourly also counts, per hour, token and model, the answers
// whose model had no price (their cost is null, not 0), so screens can say "unpriced" instead of $0.
import type { Database } from 'better-sqlite3';

export function up(db: Database): void {
  db.exec(`
    ALTER TABLE spend_hourly ADD COLUMN unpriced_requests INTEGER NOT NULL DEFAULT 0;
  `);
}

export function down(db: Database): void {
  db.exec(`
    ALTER TABLE spend_hourly DROP COLUMN unpriced_requests;
  `);
}

export const postgres = {
  async up(exec: (sql: string) => Promise<void>): Promise<void> {
    await exec(`ALTER TABLE spend_hourly ADD COLUMN unpriced_requests BIGINT NOT NULL DEFAULT 0;`);
  },
  async down(exec: (sql: string) => Promise<void>): Promise<void> {
    await exec(`ALTER TABLE spend_hourly DROP COLUMN unpriced_requests;`);
  },
};
