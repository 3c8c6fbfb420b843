// Regenerates schema.postgres.snapshot.sql from the migrations, in a scratch schema of the PostgreSQL at
// LLM_PROXY_TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test):
//   node bin/run-ts.js migrations/update-postgres-snapshot.ts
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createPostgresMigrator } from '../main/core/store/postgres-migrator.ts';
import { dumpPostgresSchema } from '../main/core/store/postgres-schema-dump.ts';

const url = process.env.LLM_PROXY_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const snapshotFile = fileURLToPath(new URL('./schema.postgres.snapshot.sql', import.meta.url));
const schema = `llmp_snapshot_${process.pid}`;
const admin = new pg.Client({ connectionString: url });
await admin.connect();
await admin.query(`CREATE SCHEMA ${schema}`);
const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
try {
  await client.connect();
  await createPostgresMigrator(client).up();
  fs.writeFileSync(snapshotFile, await dumpPostgresSchema(client));
  console.log(`Wrote ${snapshotFile}`);
} finally {
  await client.end();
  await admin.query(`DROP SCHEMA ${schema} CASCADE`);
  await admin.end();
}
