import BetterSqlite3 from 'better-sqlite3';
import { expect, it } from 'vitest';
import { createMigrator } from '../main/core/store/migrator.ts';
import { dumpSchema } from '../main/core/store/schema-dump.ts';
import { migrations } from './index.ts';

it('0003_rate_limits goes down to exactly the schema before it, and up again', async () => {
  const before = new BetterSqlite3(':memory:');
  const db = new BetterSqlite3(':memory:');
  try {
    await createMigrator(
      before,
      migrations.filter((m) => m.name < '0003'),
    ).up();
    const migrator = createMigrator(
      db,
      migrations.filter((m) => m.name <= '0003_rate_limits'),
    );
    await migrator.up();
    db.prepare(
      "INSERT INTO projects (id, name, base_url, api_key_sealed, api_key_last4, created_at, updated_at, shared_rpm_limit) VALUES ('p', 'p', 'x', 's', 'abcd', 0, 0, 10)",
    ).run();
    expect(() => db.prepare("UPDATE projects SET shared_rpm_limit = -1 WHERE id = 'p'").run()).toThrow(/CHECK/);
    expect(await migrator.down()).toEqual(['0003_rate_limits']);
    const strip = (sql: string) => sql.replace(/^.*schema_migrations.*$/gm, '');
    expect(strip(dumpSchema(db))).toBe(strip(dumpSchema(before)));
    await migrator.up();
    expect(db.prepare("SELECT shared_rpm_limit FROM projects WHERE id = 'p'").pluck().get()).toBeNull();
  } finally {
    before.close();
    db.close();
  }
});
