// Kills a writing process at random points and checks that every write it acknowledged survived
// and the database is intact.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from './sqlite.ts';
import { tempDir } from './test-support.ts';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const FIXTURE = 'main/core/store/crash-writer.fixture.ts';
const TRIALS = 30;
const PARALLEL = 3;

/** Runs the writer until it has acknowledged `target` rows, SIGKILLs it, and returns every id it printed. */
function writeUntilKilled(file: string, target: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/run-ts.js', FIXTURE, file], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    const acknowledged: string[] = [];
    let partial = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      acknowledged.push(...lines);
      if (acknowledged.length >= target) child.kill('SIGKILL');
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`writer exited on its own (${_code}): ${stderr}`));
      else resolve(acknowledged);
    });
  });
}

async function trial(file: string): Promise<void> {
  const target = 5 + Math.floor(Math.random() * 56);
  const acknowledged = await writeUntilKilled(file, target);
  expect(acknowledged.length).toBeGreaterThanOrEqual(target);

  const store = await openSqliteStore({ file });
  try {
    expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
    const stored = new Set(store.db.prepare('SELECT id FROM projects').pluck().all() as string[]);
    expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
    // A project and its first key commit together: never one without the other.
    expect(store.db.prepare('SELECT count(*) FROM projects p WHERE NOT EXISTS (SELECT 1 FROM upstream_keys k WHERE k.project_id = p.id)').pluck().get()).toBe(
      0,
    );
  } finally {
    await store.close();
  }
}

describe('crash safety', () => {
  it(`keeps every acknowledged write when the writer is killed (${TRIALS} trials)`, { timeout: 120_000 }, async () => {
    // A few database files in parallel keep the run short; each file sees its trials one after another.
    const dir = await tempDir();
    await Promise.all(
      Array.from({ length: PARALLEL }, async (_, lane) => {
        const file = path.join(dir, `crash-${lane}.db`);
        for (let i = lane; i < TRIALS; i += PARALLEL) await trial(file);
      }),
    );
  });
});
