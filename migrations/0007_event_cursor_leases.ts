// A lease per outbox dispatcher, so that several instances sharing one store (several `serve` processes
// on one PostgreSQL, or on one SQLite file) deliver each event once: the instance holding the lease of a
// cursor is the only one that reads the outbox for that dispatcher and moves its cursor; the others wait
// in standby and take over once the lease is released or has expired (main/core/events/delivery.ts).
//
// lease_owner names the holder (a random id per running app); lease_until is when the lease lapses
// (epoch ms) unless renewed. Both NULL: nobody holds it. Rows written before this step have no holder.
import type { Database } from 'better-sqlite3';

export function up(db: Database): void {
  db.exec(`
    ALTER TABLE event_cursors ADD COLUMN lease_owner TEXT NULL; -- the instance delivering for this dispatcher
    ALTER TABLE event_cursors ADD COLUMN lease_until INTEGER NULL; -- epoch ms; free once passed
  `);
}

export function down(db: Database): void {
  db.exec(`
    ALTER TABLE event_cursors DROP COLUMN lease_until;
    ALTER TABLE event_cursors DROP COLUMN lease_owner;
  `);
}

export const postgres = {
  async up(exec: (sql: string) => Promise<void>): Promise<void> {
    await exec(`
      ALTER TABLE event_cursors ADD COLUMN lease_owner TEXT NULL, ADD COLUMN lease_until BIGINT NULL;
    `);
  },
  async down(exec: (sql: string) => Promise<void>): Promise<void> {
    await exec(`
      ALTER TABLE event_cursors DROP COLUMN lease_until, DROP COLUMN lease_owner;
    `);
  },
};
