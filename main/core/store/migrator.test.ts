import BetterSqlite3, { type Database } from 'better-sqlite3';
import { describe, expect, it, onTestFinished } from 'vitest';
import { migrations } from '../../../migrations/index.ts';
import type { Migration } from '../../../migrations/index.ts';
import { AppError } from '../errors.ts';
import { createMigrator } from './migrator.ts';
import { dumpSchema } from './schema-dump.ts';

function memoryDb(): Database {
  const db = new BetterSqlite3(':memory:');
  onTestFinished(() => {
    db.close();
  });
  return db;
}

const userVersion = (db: Database) => db.pragma('user_version', { simple: true });
const tableNames = (db: Database) => db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).pluck().all();

function step(name: string, table: string): Migration {
  return {
    name,
    up: (db) => db.exec(`CREATE TABLE ${table} (x)`),
    down: (db) => db.exec(`DROP TABLE ${table}`),
  };
}

describe('migrator', () => {
  it('applies, reverts all, and applies again', async () => {
    const db = memoryDb();
    const migrator = createMigrator(db);
    const all = migrations.map((m) => m.name);
    const latestKnown = all.at(-1);

    expect(await migrator.status()).toEqual({ applied: [], pending: all, latestKnown });
    expect(await migrator.up()).toEqual(all);
    const schema = dumpSchema(db);
    expect(await migrator.status()).toEqual({ applied: all, pending: [], latestKnown });
    expect(userVersion(db)).toBe(all.length);
    expect(await migrator.up()).toEqual([]);

    expect(await migrator.down({ to: 0 })).toEqual([...all].reverse());
    expect(tableNames(db)).toEqual(['schema_migrations']);
    expect(await migrator.status()).toEqual({ applied: [], pending: all, latestKnown });
    expect(userVersion(db)).toBe(0);

    expect(await migrator.up()).toEqual(all);
    expect(dumpSchema(db)).toBe(schema);
  });

  it('reverts one step by default, or a given number of steps', async () => {
    const db = memoryDb();
    const migrator = createMigrator(db, [step('0001_a', 'a'), step('0002_b', 'b'), step('0003_c', 'c')]);
    await migrator.up();

    expect(await migrator.down()).toEqual(['0003_c']);
    expect(userVersion(db)).toBe(2);
    expect(await migrator.down({ step: 2 })).toEqual(['0002_b', '0001_a']);
    expect(await migrator.status()).toMatchObject({ applied: [], pending: ['0001_a', '0002_b', '0003_c'] });

    await migrator.up();
    expect(await migrator.down({ to: '0002_b' })).toEqual(['0003_c', '0002_b']);
    await expect(migrator.down({ to: 0, step: 1 })).rejects.toMatchObject({ code: 'validation_failed' });
  });

  it('rolls a failing step back together with its bookkeeping', async () => {
    const db = memoryDb();
    const broken: Migration = {
      name: '0002_broken',
      up: (d) => {
        d.exec('CREATE TABLE half_done (x)');
        d.exec('INSERT INTO half_done VALUES (1)');
        throw new Error('boom');
      },
      down: () => {},
    };
    const migrator = createMigrator(db, [step('0001_a', 'a'), broken]);
    await createMigrator(db, [step('0001_a', 'a')]).up();
    const before = dumpSchema(db);

    const failing = migrator.up();
    await expect(failing).rejects.toBeInstanceOf(AppError);
    await expect(failing).rejects.toMatchObject({ code: 'migration_failed', message: 'Migration 0002_broken (up) failed: boom' });

    expect(dumpSchema(db)).toBe(before);
    expect(db.inTransaction).toBe(false);
    expect(userVersion(db)).toBe(1);
    expect(await migrator.status()).toMatchObject({ applied: ['0001_a'], pending: ['0002_broken'] });
  });

  it('leaves an empty database empty when the first step fails', async () => {
    const db = memoryDb();
    const broken: Migration = {
      name: '0001_broken',
      up: (d) => {
        d.exec('CREATE TABLE half_done (x)');
        throw new Error('boom');
      },
      down: () => {},
    };
    await expect(createMigrator(db, [broken]).up()).rejects.toMatchObject({ code: 'migration_failed' });
    expect(tableNames(db)).toEqual([]);
  });

  it('rolls a failing revert back', async () => {
    const db = memoryDb();
    const stubborn: Migration = {
      ...step('0001_a', 'a'),
      down: (d) => {
        d.exec('DROP TABLE a');
        throw new Error('cannot');
      },
    };
    const migrator = createMigrator(db, [stubborn]);
    await migrator.up();
    const before = dumpSchema(db);

    await expect(migrator.down()).rejects.toMatchObject({ message: 'Migration 0001_a (down) failed: cannot' });
    expect(dumpSchema(db)).toBe(before);
    expect(await migrator.status()).toMatchObject({ applied: ['0001_a'] });
  });
});
