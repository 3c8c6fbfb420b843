import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createMigrator } from '../main/core/store/migrator.ts';
import { dumpSchema } from '../main/core/store/schema-dump.ts';
import { createPostgresMigrator } from '../main/core/store/postgres-migrator.ts';
import { dumpPostgresSchema } from '../main/core/store/postgres-schema-dump.ts';
import { pgUnavailable, schemaClient, scratchSchema } from '../main/core/store/postgres-test-support.ts';
import { migrations } from './index.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const UPDATE_COMMAND = 'node bin/run-ts.js migrations/update-snapshot.ts';
const UPDATE_POSTGRES_COMMAND = 'node bin/run-ts.js migrations/update-postgres-snapshot.ts';

describe('migrations', () => {
  it('produce the committed schema snapshot', async () => {
    const db = new BetterSqlite3(':memory:');
    try {
      await createMigrator(db).up();
      const actual = dumpSchema(db);
      const committed = fs.readFileSync(`${here}schema.snapshot.sql`, 'utf8');
      const hint = `migrations/schema.snapshot.sql is out of date. If the change is intended, run: ${UPDATE_COMMAND}`;
      if (actual !== committed) console.error(hint);
      expect(actual, hint).toBe(committed);
    } finally {
      db.close();
    }
  });

  it('are listed in the index, in order, under their file names', () => {
    const files = fs
      .readdirSync(here)
      .filter((f) => /^\d{4}_.*\.ts$/.test(f) && !f.endsWith('.test.ts'))
      .map((f) => f.slice(0, -'.ts'.length))
      .sort();
    const names = migrations.map((m) => m.name);
    expect(names).toEqual(files);
    for (const name of names) expect(name).toMatch(/^\d{4}_[a-z0-9_]+$/);
    expect(new Set(names.map((n) => n.slice(0, 4))).size).toBe(names.length);
  });

  it('each have a PostgreSQL variant (one history for both databases)', () => {
    expect(migrations.filter((m) => !m.postgres).map((m) => m.name)).toEqual([]);
  });

  it.skipIf(pgUnavailable !== null)(`produce the committed PostgreSQL schema snapshot${pgUnavailable ? ` (skipped: ${pgUnavailable})` : ''}`, async () => {
    const client = await schemaClient(await scratchSchema());
    await createPostgresMigrator(client).up();
    const actual = await dumpPostgresSchema(client);
    const committed = fs.readFileSync(`${here}schema.postgres.snapshot.sql`, 'utf8');
    const hint = `migrations/schema.postgres.snapshot.sql is out of date. If the change is intended, run: ${UPDATE_POSTGRES_COMMAND}`;
    if (actual !== committed) console.error(hint);
    expect(actual, hint).toBe(committed);
  });
});
