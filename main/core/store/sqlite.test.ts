import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrations } from '../../../migrations/index.ts';
import { AppError } from '../errors.ts';
import { createMigrator } from './migrator.ts';
import { openSqliteStore } from './sqlite.ts';
import { tempDir, tempStore } from './test-support.ts';

const latest = migrations.at(-1)!.name;

describe('openSqliteStore', () => {
  it('creates the data folder, migrates and sets the pragmas', async () => {
    const store = await tempStore();
    expect(fs.existsSync(store.file)).toBe(true);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(store.db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(store.info()).toEqual({ kind: 'sqlite', location: store.file, schemaVersion: latest });
  });

  it('leaves the schema alone when migrate is false', async () => {
    const file = path.join(await tempDir(), 'fresh.db');
    const store = await openSqliteStore({ file, migrate: false });
    expect(store.info().schemaVersion).toBeNull();
    expect(store.db.prepare(`SELECT count(*) FROM sqlite_master`).pluck().get()).toBe(0);

    // As `llm-proxy migrate` does: migrate on the store's own connection, then use it.
    await createMigrator(store.db).up();
    expect(store.info().schemaVersion).toBe(latest);
    await expect(store.projects.list()).resolves.toEqual([]);
    await store.close();
  });

  it('pings while open, and close is idempotent', async () => {
    const store = await tempStore();
    await expect(store.ping()).resolves.toBeUndefined();
    await store.close();
    await store.close();
    await expect(store.ping()).rejects.toMatchObject({ code: 'store_unavailable' });
    expect(store.info().schemaVersion).toBe(latest);
  });

  it('keeps data across reopen', async () => {
    const file = path.join(await tempDir(), 'keep.db');
    const first = await openSqliteStore({ file });
    await first.audit.append([
      {
        id: 'e1',
        time: 1,
        actor: 'cli',
        action: 'a',
        outcome: 'success',
        targetType: null,
        targetId: null,
        projectId: null,
        tokenId: null,
        requestId: null,
        clientIp: null,
        details: {},
      },
    ]);
    await first.close();
    const second = await openSqliteStore({ file });
    expect(await second.audit.get('e1')).toMatchObject({ actor: 'cli' });
    await second.close();
  });
});

describe('a database from a newer LLM Proxy', () => {
  const future = '9999_from_the_future';
  const message = (file: string) =>
    `The database at ${file} was created by a newer LLM Proxy (schema ${future}); this build knows up to ${latest}. ` +
    'Upgrade LLM Proxy or point it at another data folder.';

  async function newerDatabase(): Promise<{ dir: string; file: string }> {
    const dir = await tempDir();
    const file = path.join(dir, 'newer.db');
    const store = await openSqliteStore({ file });
    // What a newer build leaves behind: one more step recorded, and user_version counting it.
    store.db.prepare('INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)').run(future, 1);
    store.db.pragma(`user_version = ${migrations.length + 1}`);
    await store.close();
    return { dir, file };
  }

  function fingerprint(dir: string, file: string) {
    return {
      files: fs.readdirSync(dir).sort(),
      // Creating and removing a -wal or -shm file, even briefly, would move the folder's mtime.
      dirMtimeMs: fs.statSync(dir).mtimeMs,
      sha256: createHash('sha256').update(fs.readFileSync(file)).digest('hex'),
      mtimeMs: fs.statSync(file).mtimeMs,
    };
  }

  it('is refused with schema_too_new and left byte-for-byte untouched', async () => {
    const { dir, file } = await newerDatabase();
    const before = fingerprint(dir, file);
    expect(before.files).toEqual(['newer.db']);

    for (const migrate of [true, false]) {
      const opening = openSqliteStore({ file, migrate });
      await expect(opening).rejects.toBeInstanceOf(AppError);
      await expect(opening).rejects.toMatchObject({ code: 'schema_too_new', message: message(file) });
    }
    expect(fingerprint(dir, file)).toEqual(before);
  });

  it('is refused before any write even when the header does not say so', async () => {
    const { file } = await newerDatabase();
    const raw = new BetterSqlite3(file);
    raw.pragma('user_version = 0'); // a -wal now exists and the header no longer counts the newer step
    try {
      await expect(openSqliteStore({ file })).rejects.toMatchObject({ code: 'schema_too_new', message: message(file) });
      expect(raw.prepare('SELECT name FROM schema_migrations ORDER BY name').pluck().all()).toEqual([...migrations.map((m) => m.name), future]);
    } finally {
      raw.close();
    }
  });
});
