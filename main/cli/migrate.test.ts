import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '../core/errors.ts';
import type { Migrator } from '../core/store/migrator.ts';
import type { CliDeps } from './context.ts';
import { run, tempDir } from './test-support.ts';

function fakeMigrator(overrides: Partial<Migrator> = {}) {
  const calls: { file: string; call: string; args?: unknown }[] = [];
  let closed = 0;
  const deps: Partial<CliDeps> = {
    async openMigrator(file) {
      const migrator: Migrator = {
        up: async () => (calls.push({ file, call: 'up' }), ['0001_initial', '0002_more']),
        down: async (args) => (calls.push({ file, call: 'down', args }), ['0002_more']),
        status: async () => (calls.push({ file, call: 'status' }), { applied: ['0001_initial'], pending: ['0002_more'], latestKnown: '0002_more' }),
        ...overrides,
      };
      return { migrator, close: async () => void closed++ };
    },
  };
  return { calls, deps, closedCount: () => closed };
}

/** A data dir holding an (empty) database file, so down/status will open it. */
async function dataDirWithDatabase(): Promise<string> {
  const dir = await tempDir();
  await writeFile(path.join(dir, 'llm-proxy.db'), '');
  return dir;
}

describe('migrate with a fake migrator', () => {
  it('up opens <data-dir>/llm-proxy.db, applies and closes', async () => {
    const m = fakeMigrator();
    const dir = await tempDir();
    const result = await run(['migrate', 'up', '--data-dir', dir], { deps: m.deps });
    expect(result).toEqual({ code: 0, stdout: 'Applied: 0001_initial, 0002_more\n', stderr: '' });
    expect(m.calls).toEqual([{ file: path.join(dir, 'llm-proxy.db'), call: 'up' }]);
    expect(m.closedCount()).toBe(1);
  });

  it('--database-file wins and is resolved against the cwd; LLM_PROXY_DATABASE_FILE works too', async () => {
    const m = fakeMigrator();
    const cwd = await tempDir();
    await run(['migrate', 'up', '--database-file', 'x.db'], { deps: m.deps, cwd });
    await run(['migrate', 'up'], { deps: m.deps, cwd, env: { LLM_PROXY_DATABASE_FILE: '/tmp/y.db' } });
    expect(m.calls.map((c) => c.file)).toEqual([path.join(cwd, 'x.db'), '/tmp/y.db']);
  });

  it.each([
    [[], { step: 1 }],
    [['--step', '2'], { step: 2 }],
    [['--to', '0'], { to: 0 }],
    [['--to', '0001_initial'], { to: '0001_initial' }],
  ])('down %j reverts with %j', async (flags, args) => {
    const m = fakeMigrator();
    const result = await run(['migrate', 'down', '--data-dir', await dataDirWithDatabase(), ...flags], { deps: m.deps });
    expect(result.stdout).toBe('Reverted: 0002_more\n');
    expect(m.calls[0]).toMatchObject({ call: 'down', args });
  });

  it('refuses --to with --step', async () => {
    const m = fakeMigrator();
    const result = await run(['migrate', 'down', '--to', '0', '--step', '1', '--data-dir', await dataDirWithDatabase()], { deps: m.deps });
    expect(result.code).toBe(2);
    expect(m.calls).toEqual([]);
  });

  it('status prints applied, pending and latest known, or JSON', async () => {
    const m = fakeMigrator();
    const dir = await dataDirWithDatabase();
    const human = await run(['migrate', 'status', '--data-dir', dir], { deps: m.deps });
    expect(human.stdout).toBe(
      `Database:     ${path.join(dir, 'llm-proxy.db')}\nApplied:      0001_initial\nPending:      0002_more\nLatest known: 0002_more\n`,
    );
    const json = await run(['migrate', 'status', '--json', '--data-dir', dir], { deps: m.deps });
    expect(JSON.parse(json.stdout)).toEqual({
      database: path.join(dir, 'llm-proxy.db'),
      applied: ['0001_initial'],
      pending: ['0002_more'],
      latestKnown: '0002_more',
    });
  });

  it('status and down do not create a missing database', async () => {
    const m = fakeMigrator();
    const dir = await tempDir();
    const result = await run(['migrate', 'status', '--data-dir', dir], { deps: m.deps });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`error: no database at ${path.join(dir, 'llm-proxy.db')} (database_not_found)`);
    expect(m.calls).toEqual([]);
  });

  it('prints a failed migration as error + code and still closes the database', async () => {
    const m = fakeMigrator({
      up: async () => {
        throw new AppError('migration_failed', 'Migration 0002_more (up) failed: boom');
      },
    });
    const result = await run(['migrate', 'up', '--data-dir', await tempDir()], { deps: m.deps });
    expect(result).toEqual({ code: 1, stdout: '', stderr: 'error: Migration 0002_more (up) failed: boom (migration_failed)\n' });
    expect(m.closedCount()).toBe(1);
  });
});

describe('migrate with the real SQLite store', () => {
  it('up, status, down on a fresh database', async () => {
    const dir = path.join(await tempDir(), 'data');
    const up = await run(['migrate', 'up', '--data-dir', dir, '--json']);
    expect(up.code).toBe(0);
    const applied = (JSON.parse(up.stdout) as { applied: string[] }).applied;
    expect(applied.length).toBeGreaterThan(0);
    expect(existsSync(path.join(dir, 'llm-proxy.db'))).toBe(true);

    expect((await run(['migrate', 'up', '--data-dir', dir])).stdout).toBe('Already up to date.\n');
    const status = JSON.parse((await run(['migrate', 'status', '--data-dir', dir, '--json'])).stdout) as { applied: string[]; pending: string[] };
    expect(status).toMatchObject({ applied, pending: [] });

    const down = await run(['migrate', 'down', '--data-dir', dir]);
    expect(down).toEqual({ code: 0, stdout: `Reverted: ${applied.at(-1)}\n`, stderr: '' });
  });
});
