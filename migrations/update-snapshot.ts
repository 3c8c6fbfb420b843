// Regenerates schema.snapshot.sql from the migrations: node bin/run-ts.js migrations/update-snapshot.ts
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { createMigrator } from '../main/core/store/migrator.ts';
import { dumpSchema } from '../main/core/store/schema-dump.ts';

const snapshotFile = fileURLToPath(new URL('./schema.snapshot.sql', import.meta.url));
const db = new BetterSqlite3(':memory:');
try {
  await createMigrator(db).up();
  fs.writeFileSync(snapshotFile, dumpSchema(db));
  console.log(`Wrote ${snapshotFile}`);
} finally {
  db.close();
}
