// Durable request events: the outbox every event is written to (in batches, before its client sees the
// end of the answer), one cursor per dispatcher (JSONL file, webhook, Redis stream) and the dead letters
// a dispatcher gave up on. No AUTOINCREMENT and no index beyond the key: each is one more page written
// per commit on the hot write path. Seq numbers still never go back, because pruning always keeps the
// row with the highest seq (see main/core/store/sqlite-events.ts), so a cursor survives pruning.
import type { Database } from 'better-sqlite3';

export function up(db: Database): void {
  db.exec(`
    CREATE TABLE events_outbox (
      seq INTEGER PRIMARY KEY, -- delivery order; cursors point at it
      written_at INTEGER NOT NULL, -- epoch ms; grows with seq, so retention finds its cut by binary search
      payload TEXT NOT NULL -- the event as JSON, exactly what dispatchers deliver
    );

    CREATE TABLE event_cursors (
      dispatcher TEXT PRIMARY KEY,
      position INTEGER NOT NULL, -- the last seq delivered and acknowledged
      updated_at INTEGER NOT NULL
    );

    CREATE TABLE events_dead_letters (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      dispatcher TEXT NOT NULL,
      event_id TEXT NOT NULL,
      time INTEGER NOT NULL, -- the event's time
      failed_at INTEGER NOT NULL,
      attempts INTEGER NOT NULL,
      error TEXT NOT NULL, -- why the last attempt failed (never a URL or a credential)
      payload TEXT NOT NULL
    );
    CREATE INDEX events_dead_letters_dispatcher_idx ON events_dead_letters (dispatcher, id);
    CREATE INDEX events_dead_letters_failed_at_idx ON events_dead_letters (failed_at);
  `);
}

export function down(db: Database): void {
  db.exec(`
    DROP TABLE events_dead_letters;
    DROP TABLE event_cursors;
    DROP TABLE events_outbox;
  `);
}

// PostgreSQL: identity columns (a sequence never hands out a number twice, so cursors survive pruning).
export const postgres = {
  async up(exec: (sql: string) => Promise<void>): Promise<void> {
    await exec(`
      CREATE TABLE events_outbox (
        seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        written_at BIGINT NOT NULL,
        payload TEXT NOT NULL
      );

      CREATE TABLE event_cursors (
        dispatcher TEXT PRIMARY KEY,
        position BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      );

      CREATE TABLE events_dead_letters (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        dispatcher TEXT NOT NULL,
        event_id TEXT NOT NULL,
        time BIGINT NOT NULL,
        failed_at BIGINT NOT NULL,
        attempts INTEGER NOT NULL,
        error TEXT NOT NULL,
        payload TEXT NOT NULL
      );
      CREATE INDEX events_dead_letters_dispatcher_idx ON events_dead_letters (dispatcher, id);
      CREATE INDEX events_dead_letters_failed_at_idx ON events_dead_letters (failed_at);
    `);
  },
  async down(exec: (sql: string) => Promise<void>): Promise<void> {
    await exec(`
      DROP TABLE events_dead_letters;
      DROP TABLE event_cursors;
      DROP TABLE events_outbox;
    `);
  },
};
