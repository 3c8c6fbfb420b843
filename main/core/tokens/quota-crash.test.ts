// A token's quota across a kill -9: a child process admits requests against max_requests through the real
// gate and store, is SIGKILLed mid-traffic (usage not yet flushed), and a fresh child takes over on the
// same database. Every admitted request was acknowledged on stdout; the total must never pass the quota
// and may fall short of it by at most one reserved block (QUOTA_BLOCK).
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createSealer } from '../secrets/sealer.ts';
import { openPostgresStore } from '../store/postgres.ts';
import { PG_TEST_URL, pgUnavailable, scratchSchema } from '../store/postgres-test-support.ts';
import { openSqliteStore } from '../store/sqlite.ts';
import { sampleProject, sampleToken, tempDir } from '../store/test-support.ts';
import type { Store } from '../store/types.ts';
import { createTokenHasher, mintToken } from './format.ts';
import { QUOTA_BLOCK } from './token-gate.ts';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const FIXTURE = 'main/core/tokens/quota-crash.fixture.ts';
const MAX_REQUESTS = 150;
const TRIALS = 3;
const BURST = 5;

interface Database {
  location: string;
  schema: string;
  open(): Promise<Store>;
}

/** One child on the database: `burst()` sends BURST requests at once and resolves their answers. */
async function startChild(db: Database, dataKey: Buffer, token: string) {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, ['bin/run-ts.js', FIXTURE, db.location, db.schema, dataKey.toString('hex'), token], {
    cwd: repoRoot,
  });
  const waiting: ((line: string) => void)[] = [];
  let partial = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) waiting.shift()?.(line);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  const next = () =>
    new Promise<string>((resolve, reject) => {
      waiting.push(resolve);
      void exited.then(({ code, signal }) => reject(new Error(`child ended (${code ?? signal}): ${stderr}`)));
    });
  expect(await next()).toBe('ready');
  return {
    async burst(): Promise<string[]> {
      const answers = Array.from({ length: BURST }, next);
      child.stdin.write('go\n'.repeat(BURST));
      return Promise.all(answers);
    },
    async kill() {
      child.kill('SIGKILL');
      expect((await exited).signal).toBe('SIGKILL');
    },
    async exit() {
      child.stdin.write('exit\n');
      expect((await exited).code).toBe(0);
    },
  };
}

async function trial(db: Database): Promise<void> {
  const dataKey = randomBytes(32);
  const minted = mintToken(Date.now());
  const store = await db.open();
  try {
    const project = sampleProject();
    const sealed = createSealer(dataKey).seal('sk-upstream', project.id);
    await store.projects.create(project, [
      {
        id: project.id,
        projectId: project.id,
        label: 'default',
        keySealed: sealed,
        keyLast4: 'ream',
        weight: 1,
        isEnabled: true,
        createdAt: project.createdAt,
      },
    ]);
    await store.tokens.create(
      sampleToken(project.id, {
        id: minted.id,
        tokenHash: createTokenHasher(dataKey)(minted.token),
        maxRequests: MAX_REQUESTS,
        expiresAt: Date.now() + 3_600_000,
      }),
    );
  } finally {
    await store.close();
  }

  // Mid-traffic: killed after 20–80 admissions, between usage flushes.
  const killAfter = 20 + Math.floor(Math.random() * 61);
  let admitted = 0;
  const first = await startChild(db, dataKey, minted.token);
  while (admitted < killAfter) admitted += (await first.burst()).filter((a) => a === 'admitted').length;
  await first.kill();

  const second = await startChild(db, dataKey, minted.token);
  for (;;) {
    const answers = await second.burst();
    admitted += answers.filter((a) => a === 'admitted').length;
    if (answers.includes('refused')) break;
  }
  await second.exit();

  expect(admitted).toBeLessThanOrEqual(MAX_REQUESTS);
  expect(admitted).toBeGreaterThanOrEqual(MAX_REQUESTS - QUOTA_BLOCK);
}

describe('quota across a kill -9', () => {
  it(`never admits more than max_requests, and wastes at most one block, on SQLite (${TRIALS} trials)`, { timeout: 120_000 }, async () => {
    const file = path.join(await tempDir(), 'quota.db');
    const db: Database = { location: file, schema: '-', open: () => openSqliteStore({ file }) };
    for (let i = 0; i < TRIALS; i++) await trial(db);
  });

  it.skipIf(pgUnavailable !== null)(
    `never admits more than max_requests, and wastes at most one block, on PostgreSQL (${TRIALS} trials)${pgUnavailable ? ` (skipped: ${pgUnavailable})` : ''}`,
    { timeout: 120_000 },
    async () => {
      const schema = await scratchSchema();
      const db: Database = { location: PG_TEST_URL, schema, open: () => openPostgresStore({ url: PG_TEST_URL, schema, maxConnections: 2 }) };
      for (let i = 0; i < TRIALS; i++) await trial(db);
    },
  );
});
