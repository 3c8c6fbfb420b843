// PostgreSQL for the store's tests: the server at LLM_PROXY_TEST_POSTGRES_URL (default the local one on
// 127.0.0.1:5432, database `test`), a scratch schema per test dropped when the test finishes, and the
// reason to skip when no server answers (so the SQLite half still runs anywhere).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { onTestFinished } from 'vitest';

export const PG_TEST_URL = process.env.LLM_PROXY_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function probe(): Promise<string | null> {
  const client = new pg.Client({ connectionString: PG_TEST_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (err) {
    return `no PostgreSQL at ${PG_TEST_URL} (${err instanceof Error ? err.message : String(err)}); set LLM_PROXY_TEST_POSTGRES_URL or start the server`;
  } finally {
    await client.end().catch(() => {});
  }
}

/** null when the test server answers, else why the PostgreSQL tests are skipped. */
export const pgUnavailable: string | null = await probe();
if (pgUnavailable) console.warn(`[store tests] PostgreSQL half skipped: ${pgUnavailable}`);

/** A fresh schema in the test database, dropped (with everything in it) when the current test finishes. */
export async function scratchSchema(): Promise<string> {
  const schema = `llmp_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_TEST_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE SCHEMA ${schema}`);
  } finally {
    await admin.end();
  }
  onTestFinished(async () => {
    const c = new pg.Client({ connectionString: PG_TEST_URL });
    await c.connect();
    try {
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    } finally {
      await c.end();
    }
  });
  return schema;
}

/** One connection whose search_path is `schema`, closed when the current test finishes. */
export async function schemaClient(schema: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: PG_TEST_URL, options: `-c search_path=${schema}` });
  await client.connect();
  onTestFinished(() => client.end().catch(() => {}));
  return client;
}
