// Rate-limit policy: per token (requests and tokens per minute, concurrent requests) and per project
// (defaults for its tokens, and a shared budget for everyone who holds the same upstream key).
// NULL on a token's rpm/tpm means "the project's default"; 0 means "no limit" (like max_requests).
import type { Database } from 'better-sqlite3';

const nonNegative = (column: string) => `${column} INTEGER NULL CHECK (${column} IS NULL OR ${column} >= 0)`;

export function up(db: Database): void {
  db.exec(`
    ALTER TABLE tokens ADD COLUMN ${nonNegative('rpm_limit')};
    ALTER TABLE tokens ADD COLUMN ${nonNegative('tpm_limit')};
    ALTER TABLE tokens ADD COLUMN ${nonNegative('max_concurrent')};

    ALTER TABLE projects ADD COLUMN ${nonNegative('default_rpm_limit')};
    ALTER TABLE projects ADD COLUMN ${nonNegative('default_tpm_limit')};
    ALTER TABLE projects ADD COLUMN ${nonNegative('shared_rpm_limit')};
    ALTER TABLE projects ADD COLUMN ${nonNegative('shared_tpm_limit')};
    ALTER TABLE projects ADD COLUMN shared_limit_key TEXT NULL; -- NULL = a fingerprint of the upstream key
  `);
}

export function down(db: Database): void {
  db.exec(`
    ALTER TABLE projects DROP COLUMN shared_limit_key;
    ALTER TABLE projects DROP COLUMN shared_tpm_limit;
    ALTER TABLE projects DROP COLUMN shared_rpm_limit;
    ALTER TABLE projects DROP COLUMN default_tpm_limit;
    ALTER TABLE projects DROP COLUMN default_rpm_limit;

    ALTER TABLE tokens DROP COLUMN max_concurrent;
    ALTER TABLE tokens DROP COLUMN tpm_limit;
    ALTER TABLE tokens DROP COLUMN rpm_limit;
  `);
}

export const postgres = {
  async up(exec: (sql: string) => Promise<void>): Promise<void> {
    await exec(`
      ALTER TABLE tokens ADD COLUMN ${nonNegative('rpm_limit')};
      ALTER TABLE tokens ADD COLUMN ${nonNegative('tpm_limit')};
      ALTER TABLE tokens ADD COLUMN ${nonNegative('max_concurrent')};

      ALTER TABLE projects ADD COLUMN ${nonNegative('default_rpm_limit')};
      ALTER TABLE projects ADD COLUMN ${nonNegative('default_tpm_limit')};
      ALTER TABLE projects ADD COLUMN ${nonNegative('shared_rpm_limit')};
      ALTER TABLE projects ADD COLUMN ${nonNegative('shared_tpm_limit')};
      ALTER TABLE projects ADD COLUMN shared_limit_key TEXT NULL;
    `);
  },
  async down(exec: (sql: string) => Promise<void>): Promise<void> {
    await exec(`
      ALTER TABLE projects DROP COLUMN shared_limit_key;
      ALTER TABLE projects DROP COLUMN shared_tpm_limit;
      ALTER TABLE projects DROP COLUMN shared_rpm_limit;
      ALTER TABLE projects DROP COLUMN default_tpm_limit;
      ALTER TABLE projects DROP COLUMN default_rpm_limit;

      ALTER TABLE tokens DROP COLUMN max_concurrent;
      ALTER TABLE tokens DROP COLUMN tpm_limit;
      ALTER TABLE tokens DROP COLUMN rpm_limit;
    `);
  },
};
