// Named admins: people who manage the proxy with tokens of their own and a role (owner, operator for some
// projects, viewer), so that one person can be removed without rotating everyone's token and the audit
// trail names who acted (`admin:<name>`). Only a keyed hash of each token is stored, as for proxy tokens.
// project_ids is a JSON array of project ids (projects are never deleted, so no dangling references).
import type { Database } from 'better-sqlite3';

export function up(db: Database): void {
  db.exec(`
    CREATE TABLE admins (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL UNIQUE,
      role TEXT NOT NULL CHECK (role IN ('owner', 'operator', 'viewer')),
      project_ids TEXT NOT NULL DEFAULT '[]', -- JSON array of project ids (operators)
      token_hash TEXT NOT NULL UNIQUE, -- HMAC-SHA-256 of the admin's token
      token_last4 TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    );
  `);
}

export function down(db: Database): void {
  db.exec(`
    DROP TABLE admins;
  `);
}

export const postgres = {
  async up(exec: (sql: string) => Promise<void>): Promise<void> {
    await exec(`
      CREATE TABLE admins (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL CHECK (role IN ('owner', 'operator', 'viewer')),
        project_ids TEXT NOT NULL DEFAULT '[]',
        token_hash TEXT NOT NULL UNIQUE,
        token_last4 TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      );
    `);
  },
  async down(exec: (sql: string) => Promise<void>): Promise<void> {
    await exec(`
      DROP TABLE admins;
    `);
  },
};
