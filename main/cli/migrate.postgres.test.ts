import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { migrations } from '../../migrations/index.ts';
import { PG_TEST_URL, pgUnavailable, scratchSchema } from '../core/store/postgres-test-support.ts';
import { run } from './test-support.ts';

/** The test server's URL pointing at a scratch schema (libpq `options`, as a user could write it too). */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const urlFor = (schema: string) => `${PG_TEST_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;

describe.skipIf(pgUnavailable !== null)(`migrate on PostgreSQL${pgUnavailable ? ` (skipped: ${pgUnavailable})` : ''}`, () => {
  it('up, status and down work through LLM_PROXY_DATABASE_URL and --database-url, without printing credentials', async () => {
    const url = urlFor(await scratchSchema());
    const all = migrations.map((m) => m.name);
    const env = { LLM_PROXY_DATABASE_URL: url };

    expect(await run(['migrate', 'up'], { env })).toEqual({ code: 0, stdout: `Applied: ${all.join(', ')}\n`, stderr: '' });
    expect((await run(['migrate', 'up', '--database-url', url], { env: {} })).stdout).toBe('Already up to date.\n');

    const status = await run(['migrate', 'status', '--json'], { env });
    expect(JSON.parse(status.stdout)).toEqual({ database: 'postgres://127.0.0.1:5432/test', applied: all, pending: [], latestKnown: all.at(-1) });

    expect((await run(['migrate', 'down'], { env })).stdout).toBe(`Reverted: ${all.at(-1)}\n`);
    expect((await run(['migrate', 'status'], { env })).stdout).toContain(`Pending:      ${all.at(-1)}\n`);
  });

  it('two processes running `migrate up` at once: one applies, the other waits and finds nothing to do', async () => {
    const url = urlFor(await scratchSchema());
    const all = migrations.map((m) => m.name);
    const migrateUp = () =>
      promisify(execFile)(process.execPath, [path.join(root, 'bin/llm-proxy.js'), 'migrate', 'up', '--json'], {
        cwd: root,
        env: { ...process.env, LLM_PROXY_DATABASE_URL: url },
      });
    const outputs = await Promise.all([migrateUp(), migrateUp()]);
    const applied = outputs.map((o) => (JSON.parse(o.stdout) as { applied: string[] }).applied).sort((x, y) => x.length - y.length);
    expect(applied).toEqual([[], all]);
  }, 60_000);
});
