import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrations } from '../../../migrations/index.ts';
import { createMigrator } from './migrator.ts';
import { refuseNewerSchemaBeforeOpening } from './schema-guard.ts';
import { tempDir } from './test-support.ts';

async function databaseWith(extraSteps: string[], userVersion: number): Promise<string> {
  const file = path.join(await tempDir(), 'guard.db');
  const db = new BetterSqlite3(file);
  db.pragma('journal_mode = WAL');
  await createMigrator(db).up();
  for (const name of extraSteps) db.prepare('INSERT INTO schema_migrations VALUES (?, 0)').run(name);
  db.pragma(`user_version = ${userVersion}`);
  db.close();
  return file;
}

describe('refuseNewerSchemaBeforeOpening', () => {
  it('names the newest unknown step, read from the file without SQLite touching it', async () => {
    const file = await databaseWith(['9000_next', '9001_after'], migrations.length + 2);
    expect(() => refuseNewerSchemaBeforeOpening(file, migrations)).toThrow(/schema 9001_after\)/);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['guard.db']);
  });

  it('passes a database this build knows, a missing file and a file that is not SQLite', async () => {
    const known = await databaseWith([], migrations.length);
    expect(() => refuseNewerSchemaBeforeOpening(known, migrations)).not.toThrow();
    expect(() => refuseNewerSchemaBeforeOpening(path.join(path.dirname(known), 'missing.db'), migrations)).not.toThrow();
    const junk = path.join(path.dirname(known), 'junk.db');
    fs.writeFileSync(junk, 'not a database');
    expect(() => refuseNewerSchemaBeforeOpening(junk, migrations)).not.toThrow();
  });
});
