// The request log (`requests.list`) reads the outbox's events by token, project, model, status and time.
// The fields are generated from the payload, so the write path stays one INSERT of (written_at, payload)
// and rows written before this step are covered too. SQLite computes them on read (VIRTUAL) and stores
// only the index entries; PostgreSQL stores them (it has no indexed virtual columns). `time` is the
// event's ISO 8601 UTC text (always `toISOString()`), which sorts and compares like the instant.
// Indexes end with seq so a filtered page comes newest first straight from the index.
import type { Database } from 'better-sqlite3';

const FIELDS = [
  ['time', 'TEXT', `'$.time'`],
  ['token_id', 'TEXT', `'$.token_id'`],
  ['project_id', 'TEXT', `'$.project_id'`],
  ['model', 'TEXT', `'$.model'`],
  ['status', 'INTEGER', `'$.status'`],
] as const;

const INDEXES = `
  CREATE INDEX events_outbox_time_idx ON events_outbox (time, seq);
  CREATE INDEX events_outbox_token_idx ON events_outbox (token_id, time, seq);
  CREATE INDEX events_outbox_project_idx ON events_outbox (project_id, time, seq);
  CREATE INDEX events_outbox_model_idx ON events_outbox (model, time, seq);
`;

const DROP = `
  DROP INDEX events_outbox_model_idx;
  DROP INDEX events_outbox_project_idx;
  DROP INDEX events_outbox_token_idx;
  DROP INDEX events_outbox_time_idx;
`;

export function up(db: Database): void {
  for (const [column, type, path] of FIELDS) {
    db.exec(`ALTER TABLE events_outbox ADD COLUMN ${column} ${type} GENERATED ALWAYS AS (json_extract(payload, ${path})) VIRTUAL`);
  }
  db.exec(INDEXES);
}

export function down(db: Database): void {
  db.exec(DROP);
  for (const [column] of [...FIELDS].reverse()) db.exec(`ALTER TABLE events_outbox DROP COLUMN ${column}`);
}

export const postgres = {
  async up(exec: (sql: string) => Promise<void>): Promise<void> {
    const columns = FIELDS.map(([column, type]) => {
      const text = `(payload::json ->> '${column}')`;
      return `ADD COLUMN ${column} ${type === 'INTEGER' ? 'INTEGER' : 'TEXT'} GENERATED ALWAYS AS (${type === 'INTEGER' ? `${text}::integer` : text}) STORED`;
    });
    await exec(`ALTER TABLE events_outbox ${columns.join(', ')};`);
    await exec(INDEXES);
  },
  async down(exec: (sql: string) => Promise<void>): Promise<void> {
    await exec(DROP);
    await exec(`ALTER TABLE events_outbox ${FIELDS.map(([column]) => `DROP COLUMN ${column}`).join(', ')};`);
  },
};
