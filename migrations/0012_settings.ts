// Settings changed at run time (GET/PATCH /manage/settings): one row per setting, its value sealed with
// the data key (AES-256-GCM, the setting's name as associated data), so a Redis URL with a password is
// never in clear on disk. A setting fixed by flag or environment is never read from here.
import type { Database } from 'better-sqlite3';

export function up(db: Database): void {
  db.exec(`
    CREATE TABLE settings (
      name TEXT PRIMARY KEY,
      value_sealed TEXT NOT NULL, -- JSON value sealed with the data key
      updated_at INTEGER NOT NULL
    );
  `);
}

export function down(db: Database): void {
  db.exec(`
    DROP TABLE settings;
  `);
}

export const postgres = {
  async up(exec: (sql: string) => Promise<void>): Promise<void> {
    await exec(`
      CREATE TABLE settings (
        name TEXT PRIMARY KEY,
        value_sealed TEXT NOT NULL,
        updated_at BIGINT NOT NULL
      );
    `);
  },
  async down(exec: (sql: string) => Promise<void>): Promise<void> {
    await exec(`
      DROP TABLE settings;
    `);
  },
};
