// Money: per-project model prices and monthly budgets, per-token lifetime budgets, spend, and the durable
// budget reservations (like quota_reserved: an instance claims a block of a budget before it admits
// requests against it, main/core/money/budgets.ts). Amounts spent and reserved are whole nano-dollars
// (exact sums); budgets are USD as set. spend_hourly keeps spend per hour, token and model (usage history,
// /metrics); project_budget_months holds what instances reserved of a project's monthly budget.
import type { Database } from 'better-sqlite3';

export function up(db: Database): void {
  db.exec(`
    ALTER TABLE projects ADD COLUMN prices TEXT NOT NULL DEFAULT '{}'; -- JSON: model glob -> per-million-token prices
    ALTER TABLE projects ADD COLUMN monthly_budget_usd REAL; -- null = no budget
    ALTER TABLE tokens ADD COLUMN max_budget_usd REAL; -- lifetime; null = no budget
    ALTER TABLE tokens ADD COLUMN spend_nanos INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE tokens ADD COLUMN budget_reserved_nanos INTEGER NOT NULL DEFAULT 0; -- of max_budget_usd, claimed ahead of use
    CREATE TABLE spend_hourly (
      hour INTEGER NOT NULL, -- epoch ms at the start of the UTC hour
      token_id TEXT NOT NULL REFERENCES tokens(id),
      project_id TEXT NOT NULL REFERENCES projects(id),
      model TEXT NOT NULL,
      spend_nanos INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (hour, token_id, model)
    );
    CREATE INDEX spend_hourly_project_hour_idx ON spend_hourly (project_id, hour);
    CREATE TABLE project_budget_months (
      project_id TEXT NOT NULL REFERENCES projects(id),
      month TEXT NOT NULL, -- YYYY-MM (UTC)
      reserved_nanos INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (project_id, month)
    );
  `);
}

export function down(db: Database): void {
  db.exec(`
    DROP TABLE project_budget_months;
    DROP TABLE spend_hourly;
    ALTER TABLE tokens DROP COLUMN budget_reserved_nanos;
    ALTER TABLE tokens DROP COLUMN spend_nanos;
    ALTER TABLE tokens DROP COLUMN max_budget_usd;
    ALTER TABLE projects DROP COLUMN monthly_budget_usd;
    ALTER TABLE projects DROP COLUMN prices;
  `);
}

export const postgres = {
  async up(exec: (sql: string) => Promise<void>): Promise<void> {
    await exec(`
      ALTER TABLE projects ADD COLUMN prices TEXT NOT NULL DEFAULT '{}';
      ALTER TABLE projects ADD COLUMN monthly_budget_usd DOUBLE PRECISION;
      ALTER TABLE tokens ADD COLUMN max_budget_usd DOUBLE PRECISION;
      ALTER TABLE tokens ADD COLUMN spend_nanos BIGINT NOT NULL DEFAULT 0;
      ALTER TABLE tokens ADD COLUMN budget_reserved_nanos BIGINT NOT NULL DEFAULT 0;
      CREATE TABLE spend_hourly (
        hour BIGINT NOT NULL,
        token_id TEXT NOT NULL REFERENCES tokens(id),
        project_id TEXT NOT NULL REFERENCES projects(id),
        model TEXT NOT NULL,
        spend_nanos BIGINT NOT NULL DEFAULT 0,
        PRIMARY KEY (hour, token_id, model)
      );
      CREATE INDEX spend_hourly_project_hour_idx ON spend_hourly (project_id, hour);
      CREATE TABLE project_budget_months (
        project_id TEXT NOT NULL REFERENCES projects(id),
        month TEXT NOT NULL,
        reserved_nanos BIGINT NOT NULL DEFAULT 0,
        PRIMARY KEY (project_id, month)
      );
    `);
  },
  async down(exec: (sql: string) => Promise<void>): Promise<void> {
    await exec(`
      DROP TABLE project_budget_months;
      DROP TABLE spend_hourly;
      ALTER TABLE tokens DROP COLUMN budget_reserved_nanos;
      ALTER TABLE tokens DROP COLUMN spend_nanos;
      ALTER TABLE tokens DROP COLUMN max_budget_usd;
      ALTER TABLE projects DROP COLUMN monthly_budget_usd;
      ALTER TABLE projects DROP COLUMN prices;
    `);
  },
};
