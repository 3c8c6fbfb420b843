// `llm-proxy db copy`: moves a desktop's SQLite file into PostgreSQL — projects, their upstream keys, tokens,
// named admins, usage buckets and the audit trail, row for row. Upstream keys stay sealed and token hashes stay as they are, so the
// PostgreSQL instances must use the same data key (LLM_PROXY_ENCRYPTION_KEY or the data-key file).
// One transaction on the target: a failed copy leaves nothing behind. Refuses a target that already
// holds rows unless `force`; with `force` the copy is an upsert (audit rows, being append-only, are
// only added), so running it twice gives the same database.
import type Database from 'better-sqlite3';
import { AppError } from '../errors.ts';
import { createMigrator } from './migrator.ts';
import { openPostgresStore, redactPostgresUrl } from './postgres.ts';
import { withTransaction } from './postgres-client.ts';
import { openSqliteStore } from './sqlite.ts';

export const COPIED_TABLES = ['projects', 'upstream_keys', 'tokens', 'admins', 'usage_hourly', 'audit_events'] as const;
export type CopiedTable = (typeof COPIED_TABLES)[number];

const KEYS: Record<CopiedTable, string[]> = {
  projects: ['id'],
  upstream_keys: ['id'],
  tokens: ['id'],
  admins: ['id'],
  usage_hourly: ['hour', 'token_id'],
  audit_events: ['id'],
};
const BOOLEAN_COLUMNS = new Set(['is_active', 'cache_shared_across_tokens', 'is_enabled']);
const BATCH = 500;

export interface CopyResult {
  from: string;
  to: string;
  /** Rows read from SQLite and rows of those found in PostgreSQL afterwards, per table. */
  tables: Record<CopiedTable, { source: number; target: number }>;
  verified: boolean;
}

export async function copySqliteToPostgres(opts: { from: string; to: string; force?: boolean; schema?: string }): Promise<CopyResult> {
  const source = await openSqliteStore({ file: opts.from, migrate: false });
  try {
    const status = await createMigrator(source.db).status();
    if (status.pending.length > 0) {
      throw new AppError(
        'validation_failed',
        `The SQLite database at ${opts.from} is not up to date (pending: ${status.pending.join(', ')}); run \`llm-proxy migrate up --database-file ${opts.from}\` first`,
      );
    }
    const target = await openPostgresStore({ url: opts.to, schema: opts.schema, maxConnections: 2 });
    try {
      const counts = await targetCounts(target.pool);
      const nonEmpty = COPIED_TABLES.filter((t) => counts[t] > 0);
      if (nonEmpty.length > 0 && !opts.force) {
        throw new AppError(
          'validation_failed',
          `The PostgreSQL database at ${redactPostgresUrl(opts.to)} already holds rows (${nonEmpty.map((t) => `${t}: ${counts[t]}`).join(', ')}); add --force to merge into it`,
        );
      }
      await withTransaction(target.pool, async (client) => {
        for (const table of COPIED_TABLES) {
          for (const batch of readBatches(source.db, table)) await insertBatch(client, table, batch);
        }
      });
      const tables = {} as CopyResult['tables'];
      for (const table of COPIED_TABLES) tables[table] = await verify(source.db, target.pool, table);
      return { from: opts.from, to: redactPostgresUrl(opts.to), tables, verified: COPIED_TABLES.every((t) => tables[t].source === tables[t].target) };
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}

type Row = Record<string, unknown>;
type Query = { query(sql: string, params?: unknown[]): Promise<{ rows: Row[] }> };

async function targetCounts(pool: Query): Promise<Record<CopiedTable, number>> {
  const out = {} as Record<CopiedTable, number>;
  for (const t of COPIED_TABLES) out[t] = Number((await pool.query(`SELECT count(*)::int AS n FROM ${t}`)).rows[0]!.n);
  return out;
}

function* readBatches(db: Database.Database, table: CopiedTable): Generator<Row[]> {
  let batch: Row[] = [];
  for (const row of db.prepare(`SELECT * FROM ${table} ORDER BY ${KEYS[table].join(', ')}`).iterate() as Iterable<Row>) {
    batch.push(row);
    if (batch.length === BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

async function insertBatch(client: Query, table: CopiedTable, rows: Row[]): Promise<void> {
  const columns = Object.keys(rows[0]!);
  const params: unknown[] = [];
  const values = rows.map(
    (row) =>
      `(${columns
        .map((c) => {
          const v = row[c];
          params.push(BOOLEAN_COLUMNS.has(c) && v !== null ? v === 1 : typeof v === 'bigint' ? Number(v) : v);
          return `$${params.length}`;
        })
        .join(', ')})`,
  );
  const keys = KEYS[table];
  const rest = columns.filter((c) => !keys.includes(c));
  // Audit rows are append-only (the triggers refuse updates): an existing one is left as it is.
  const onConflict = table === 'audit_events' ? 'DO NOTHING' : `DO UPDATE SET ${rest.map((c) => `${c} = excluded.${c}`).join(', ')}`;
  await client.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values.join(', ')} ON CONFLICT (${keys.join(', ')}) ${onConflict}`, params);
}

/** Counts the source rows and how many of exactly those keys the target holds now. */
async function verify(db: Database.Database, pool: Query, table: CopiedTable): Promise<{ source: number; target: number }> {
  const keys = KEYS[table];
  const rows = db.prepare(`SELECT ${keys.join(', ')} FROM ${table}`).all() as Row[];
  if (rows.length === 0) return { source: 0, target: 0 };
  let target = 0;
  for (let i = 0; i < rows.length; i += 5000) {
    const chunk = rows.slice(i, i + 5000);
    const arrays = keys.map((k) => chunk.map((r) => r[k]));
    const types = keys.map((k) => (k === 'hour' ? 'bigint' : 'text'));
    const res = await pool.query(
      `SELECT count(*)::int AS n FROM ${table} t JOIN unnest(${keys.map((_, j) => `$${j + 1}::${types[j]}[]`).join(', ')}) AS s(${keys.join(', ')}) USING (${keys.join(', ')})`,
      arrays,
    );
    target += Number(res.rows[0]!.n);
  }
  return { source: rows.length, target };
}
