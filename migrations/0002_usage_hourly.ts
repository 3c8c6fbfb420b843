// Usage per token per hour (UTC hour buckets): "requests today" in any time zone, and daily rollups
// per token and project, without a row per request.
import type { Database } from 'better-sqlite3';

export function up(db: Database): void {
  db.exec(`
    CREATE TABLE usage_hourly (
      hour INTEGER NOT NULL, -- epoch ms at the start of the UTC hour
      token_id TEXT NOT NULL REFERENCES tokens(id),
      project_id TEXT NOT NULL REFERENCES projects(id),
      requests INTEGER NOT NULL DEFAULT 0,
      prompt_tokens INTEGER NOT NULL DEFAULT 0,
      completion_tokens INTEGER NOT NULL DEFAULT 0,
      cache_hits INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (hour, token_id)
    );
    CREATE INDEX usage_hourly_project_hour_idx ON usage_hourly (project_id, hour);
  `);
}

export function down(db: Database): void {
  db.exec('DROP TABLE usage_hourly;');
}

export const postgres = {
  async up(exec: (sql: string) => Promise<void>): Promise<void> {
    await exec(`
      CREATE TABLE usage_hourly (
        hour BIGINT NOT NULL,
        token_id TEXT NOT NULL REFERENCES tokens(id),
        project_id TEXT NOT NULL REFERENCES projects(id),
        requests BIGINT NOT NULL DEFAULT 0,
        prompt_tokens BIGINT NOT NULL DEFAULT 0,
        completion_tokens BIGINT NOT NULL DEFAULT 0,
        cache_hits BIGINT NOT NULL DEFAULT 0,
        PRIMARY KEY (hour, token_id)
      );
      CREATE INDEX usage_hourly_project_hour_idx ON usage_hourly (project_id, hour);
    `);
  },
  async down(exec: (sql: string) => Promise<void>): Promise<void> {
    await exec('DROP TABLE usage_hourly;');
  },
};
