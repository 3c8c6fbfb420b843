import { describe, expect, it } from 'vitest';
import { migrations, type Migration } from '../../../migrations/index.ts';
import { createPostgresMigrator } from './postgres-migrator.ts';
import { openPostgresStore } from './postgres.ts';
import { dumpPostgresSchema } from './postgres-schema-dump.ts';
import { PG_TEST_URL, pgUnavailable, schemaClient, scratchSchema } from './postgres-test-support.ts';

const tableNames = async (c: Awaited<ReturnType<typeof schemaClient>>) =>
  (await c.query<{ t: string }>(`SELECT table_name AS t FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1`)).rows.map((r) => r.t);

function step(name: string, table: string): Migration {
  return {
    name,
    up: () => {},
    down: () => {},
    postgres: { up: (exec) => exec(`CREATE TABLE ${table} (x int)`), down: (exec) => exec(`DROP TABLE ${table}`) },
  };
}

describe.skipIf(pgUnavailable !== null)(`postgres migrator${pgUnavailable ? ` (skipped: ${pgUnavailable})` : ''}`, () => {
  it('applies, reverts all, and applies again', async () => {
    const client = await schemaClient(await scratchSchema());
    const migrator = createPostgresMigrator(client);
    const all = migrations.map((m) => m.name);
    const latestKnown = all.at(-1);

    expect(await migrator.status()).toEqual({ applied: [], pending: all, latestKnown });
    expect(await migrator.up()).toEqual(all);
    const schema = await dumpPostgresSchema(client);
    expect(await migrator.status()).toEqual({ applied: all, pending: [], latestKnown });
    expect(await migrator.up()).toEqual([]);

    expect(await migrator.down({ to: 0 })).toEqual([...all].reverse());
    expect(await tableNames(client)).toEqual(['schema_migrations']);
    expect(await migrator.up()).toEqual(all);
    expect(await dumpPostgresSchema(client)).toBe(schema);
  });

  it('reverts one step by default, or a given number of steps', async () => {
    const client = await schemaClient(await scratchSchema());
    const migrator = createPostgresMigrator(client, [step('0001_a', 'a'), step('0002_b', 'b'), step('0003_c', 'c')]);
    await migrator.up();
    expect(await migrator.down()).toEqual(['0003_c']);
    expect(await migrator.down({ step: 2 })).toEqual(['0002_b', '0001_a']);
    await expect(migrator.down({ to: 0, step: 1 })).rejects.toMatchObject({ code: 'validation_failed' });
  });

  it('rolls a failing step back together with its bookkeeping', async () => {
    const client = await schemaClient(await scratchSchema());
    const broken: Migration = {
      name: '0002_broken',
      up: () => {},
      down: () => {},
      postgres: {
        async up(exec) {
          await exec('CREATE TABLE half_done (x int)');
          await exec('INSERT INTO half_done VALUES (1)');
          throw new Error('boom');
        },
        async down() {},
      },
    };
    await createPostgresMigrator(client, [step('0001_a', 'a')]).up();
    const before = await dumpPostgresSchema(client);
    const failing = createPostgresMigrator(client, [step('0001_a', 'a'), broken]).up();
    await expect(failing).rejects.toMatchObject({ code: 'migration_failed', message: 'Migration 0002_broken (up) failed: boom' });
    expect(await dumpPostgresSchema(client)).toBe(before);
    expect(await createPostgresMigrator(client, [step('0001_a', 'a'), broken]).status()).toMatchObject({ applied: ['0001_a'], pending: ['0002_broken'] });
    // The connection is usable again (no transaction left open).
    expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('runs each step once when two instances migrate at once: one applies, the other finds nothing', async () => {
    const schema = await scratchSchema();
    const [a, b] = [await schemaClient(schema), await schemaClient(schema)];
    const all = migrations.map((m) => m.name);
    const results = await Promise.all([createPostgresMigrator(a).up(), createPostgresMigrator(b).up()]);
    expect([...results].sort((x, y) => x.length - y.length)).toEqual([[], all]);
    expect((await a.query('SELECT count(*)::int AS n FROM schema_migrations')).rows[0]).toEqual({ n: all.length });
  });

  it('refuses to open a schema migrated by a newer build', async () => {
    const schema = await scratchSchema();
    const client = await schemaClient(schema);
    await createPostgresMigrator(client).up();
    await client.query(`INSERT INTO schema_migrations (name, applied_at) VALUES ('9999_from_the_future', 0)`);
    await expect(openPostgresStore({ url: PG_TEST_URL, schema })).rejects.toMatchObject({ code: 'schema_too_new' });
  });
});
