import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createMigrator } from '../main/core/store/migrator.ts';
import { createPostgresMigrator } from '../main/core/store/postgres-migrator.ts';
import { pgUnavailable, schemaClient, scratchSchema } from '../main/core/store/postgres-test-support.ts';
import { dumpSchema } from '../main/core/store/schema-dump.ts';
import { migrations } from './index.ts';

const before0006 = migrations.filter((m) => m.name < '0006');
const upTo0006 = migrations.filter((m) => m.name <= '0006_upstream_keys');

const PROJECTS = `INSERT INTO projects (id, name, provider, base_url, api_key_sealed, api_key_last4, created_at, updated_at, shared_rpm_limit) VALUES
  ('p1', 'one', 'openai', 'https://api.openai.com/v1', 'v1.sealed-one', 'aaaa', 100, 150, 10),
  ('p2', 'two', 'anthropic', 'https://api.anthropic.com', 'v1.sealed-two', 'bbbb', 200, 200, NULL)`;
const DEPENDENTS = `
  INSERT INTO tokens (id, project_id, token_hash, token_last4, expires_at, created_at, updated_at) VALUES ('t1', 'p1', 'h1', 'wxyz', 9999, 100, 100);
  INSERT INTO usage_hourly (hour, token_id, project_id, requests) VALUES (0, 't1', 'p1', 3)`;

const movedKeys = [
  {
    id: 'p1',
    project_id: 'p1',
    label: 'default',
    key_sealed: 'v1.sealed-one',
    key_last4: 'aaaa',
    weight: 1,
    created_at: 100,
    updated_at: 100,
    request_count: 0,
    last_used_at: null,
  },
  {
    id: 'p2',
    project_id: 'p2',
    label: 'default',
    key_sealed: 'v1.sealed-two',
    key_last4: 'bbbb',
    weight: 1,
    created_at: 200,
    updated_at: 200,
    request_count: 0,
    last_used_at: null,
  },
];
const KEY_COLUMNS = 'id, project_id, label, key_sealed, key_last4, weight, created_at, updated_at, request_count, last_used_at';
// p1 gains a newer enabled key and an older disabled one: down gives p1 its oldest *enabled* key back.
const MORE_KEYS = `INSERT INTO upstream_keys (id, project_id, label, key_sealed, key_last4, is_enabled, created_at, updated_at) VALUES
  ('k-new', 'p1', 'newer', 'v1.sealed-newer', 'cccc', 1, 300, 300),
  ('k-old', 'p1', 'disabled', 'v1.sealed-disabled', 'dddd', 0, 50, 50)`;

describe('0006_upstream_keys on SQLite', () => {
  function open(): BetterSqlite3.Database {
    const db = new BetterSqlite3(':memory:');
    onTestFinished(() => {
      db.close();
    });
    return db;
  }
  const strip = (sql: string) => sql.replace(/^.*schema_migrations.*$/gm, '');

  it("moves each project's key into upstream_keys and gives it back on down, leaving exactly the 0005 schema", async () => {
    const reference = open();
    await createMigrator(reference, before0006).up();
    const db = open();
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    await createMigrator(db, before0006).up();
    db.exec(PROJECTS);
    db.exec(DEPENDENTS);

    const migrator = createMigrator(db, upTo0006);
    expect(await migrator.up()).toEqual(['0006_upstream_keys']);
    expect(db.prepare(`SELECT ${KEY_COLUMNS}, is_enabled FROM upstream_keys ORDER BY id`).all()).toEqual(movedKeys.map((k) => ({ ...k, is_enabled: 1 })));
    const columns = (db.pragma('table_info(projects)') as { name: string }[]).map((c) => c.name);
    expect(columns).not.toContain('api_key_sealed');
    expect(columns).not.toContain('api_key_last4');
    expect(db.prepare("SELECT name, provider, shared_rpm_limit, transformations, created_at, updated_at FROM projects WHERE id = 'p1'").get()).toEqual({
      name: 'one',
      provider: 'openai',
      shared_rpm_limit: 10,
      transformations: '{}',
      created_at: 100,
      updated_at: 150,
    });
    // Tokens and usage still point at their project; the provider is no longer limited to two.
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(() =>
      db.exec("INSERT INTO tokens (id, project_id, token_hash, token_last4, expires_at, created_at, updated_at) VALUES ('t2', 'nope', 'h2', 'x', 1, 1, 1)"),
    ).toThrow(/FOREIGN KEY/);
    expect(() =>
      db.exec(
        "INSERT INTO upstream_keys (id, project_id, label, key_sealed, key_last4, weight, created_at, updated_at) VALUES ('k0', 'p1', 'w', 's', 'x', 0, 1, 1)",
      ),
    ).toThrow(/CHECK/);
    db.exec(MORE_KEYS);

    expect(await migrator.down()).toEqual(['0006_upstream_keys']);
    expect(strip(dumpSchema(db))).toBe(strip(dumpSchema(reference)));
    expect(db.prepare('SELECT id, api_key_sealed, api_key_last4, shared_rpm_limit FROM projects ORDER BY id').all()).toEqual([
      { id: 'p1', api_key_sealed: 'v1.sealed-one', api_key_last4: 'aaaa', shared_rpm_limit: 10 },
      { id: 'p2', api_key_sealed: 'v1.sealed-two', api_key_last4: 'bbbb', shared_rpm_limit: null },
    ]);
    expect(db.prepare('SELECT count(*) FROM tokens').pluck().get()).toBe(1);
    expect(db.pragma('foreign_key_check')).toEqual([]);

    expect(await migrator.up()).toEqual(['0006_upstream_keys']);
    expect(db.prepare('SELECT count(*) FROM upstream_keys').pluck().get()).toBe(2);
  });

  it('down picks the oldest key (ties by id) when none is enabled', async () => {
    const db = open();
    const migrator = createMigrator(db, upTo0006);
    await migrator.up();
    db.exec(`INSERT INTO projects (id, name, base_url, created_at, updated_at) VALUES ('p', 'p', 'x', 0, 0);
      INSERT INTO upstream_keys (id, project_id, label, key_sealed, key_last4, is_enabled, created_at, updated_at) VALUES
        ('b', 'p', 'b', 'sealed-b', 'bbbb', 0, 10, 10), ('a', 'p', 'a', 'sealed-a', 'aaaa', 0, 10, 10), ('c', 'p', 'c', 'sealed-c', 'cccc', 0, 20, 20)`);
    await migrator.down();
    expect(db.prepare('SELECT api_key_sealed, api_key_last4 FROM projects').get()).toEqual({ api_key_sealed: 'sealed-a', api_key_last4: 'aaaa' });
  });

  it('refuses to go down while a project uses a newer provider or has no key, changing nothing', async () => {
    const db = open();
    const migrator = createMigrator(db, upTo0006);
    await migrator.up();
    db.exec(`INSERT INTO projects (id, name, provider, base_url, created_at, updated_at) VALUES ('p', 'p', 'azure', 'x', 0, 0);
      INSERT INTO upstream_keys (id, project_id, label, key_sealed, key_last4, created_at, updated_at) VALUES ('k', 'p', 'default', 's', 'abcd', 0, 0)`);
    const schema = dumpSchema(db);
    await expect(migrator.down()).rejects.toMatchObject({
      code: 'migration_failed',
      message: expect.stringMatching(/providers other than openai and anthropic/),
    });
    expect(dumpSchema(db)).toBe(schema);

    db.exec("UPDATE projects SET provider = 'openai'; DELETE FROM upstream_keys");
    await expect(migrator.down()).rejects.toMatchObject({ code: 'migration_failed', message: expect.stringMatching(/has no upstream key/) });
    expect(dumpSchema(db)).toBe(schema);
    expect((await migrator.status()).pending).toEqual([]);
  });
});

describe.skipIf(pgUnavailable !== null)(`0006_upstream_keys on PostgreSQL${pgUnavailable ? ` (skipped: ${pgUnavailable})` : ''}`, () => {
  const columnsOf = async (client: Awaited<ReturnType<typeof schemaClient>>, table: string) =>
    (
      await client.query<{ c: string }>(
        'SELECT column_name AS c FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY 1',
        [table],
      )
    ).rows.map((r) => r.c);

  it("moves each project's key into upstream_keys and gives it back on down", async () => {
    const client = await schemaClient(await scratchSchema());
    await createPostgresMigrator(client, before0006).up();
    const projectColumns = await columnsOf(client, 'projects');
    await client.query(PROJECTS);
    await client.query(DEPENDENTS);

    const migrator = createPostgresMigrator(client, upTo0006);
    expect(await migrator.up()).toEqual(['0006_upstream_keys']);
    expect((await client.query(`SELECT ${KEY_COLUMNS}, is_enabled FROM upstream_keys ORDER BY id`)).rows).toEqual(
      movedKeys.map((k) => ({ ...k, is_enabled: true, created_at: String(k.created_at), updated_at: String(k.updated_at), request_count: '0' })),
    );
    const columns = await columnsOf(client, 'projects');
    expect(columns).not.toContain('api_key_sealed');
    expect(columns).toContain('transformations');
    await client.query("UPDATE projects SET provider = 'openai-compatible' WHERE id = 'p2'");
    await client.query(MORE_KEYS.replace(/, 1, 300/, ', TRUE, 300').replace(/, 0, 50/, ', FALSE, 50'));

    await expect(migrator.down()).rejects.toMatchObject({
      code: 'migration_failed',
      message: expect.stringMatching(/providers other than openai and anthropic/),
    });
    await client.query("UPDATE projects SET provider = 'anthropic' WHERE id = 'p2'");
    expect(await migrator.down()).toEqual(['0006_upstream_keys']);
    expect(await columnsOf(client, 'projects')).toEqual(projectColumns);
    expect((await client.query('SELECT id, api_key_sealed, api_key_last4 FROM projects ORDER BY id')).rows).toEqual([
      { id: 'p1', api_key_sealed: 'v1.sealed-one', api_key_last4: 'aaaa' },
      { id: 'p2', api_key_sealed: 'v1.sealed-two', api_key_last4: 'bbbb' },
    ]);
    await expect(client.query("UPDATE projects SET provider = 'azure' WHERE id = 'p1'")).rejects.toThrow(/projects_provider_check/);
    expect(await migrator.up()).toEqual(['0006_upstream_keys']);
  });
});
