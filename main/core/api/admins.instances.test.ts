// A removed admin is refused on the very next call by every instance sharing the store: the management
// door reads the admin from the store at each call (no cache to wait for), on PostgreSQL and on one
// SQLite data folder alike.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { PG_TEST_URL, pgUnavailable, scratchSchema } from '../store/postgres-test-support.ts';
import { startTestApp, type TestApp } from '../testing/test-app.ts';

async function twoInstances(shared: () => Promise<Record<string, string>>): Promise<[TestApp, TestApp]> {
  const settings = await shared();
  // Instances of one team share the data key, which also keys the token hashes.
  const encryptionKey = randomBytes(32).toString('base64');
  const a = await startTestApp({ ...settings, encryptionKey });
  onTestFinished(() => a.close());
  const b = await startTestApp({ ...settings, encryptionKey });
  onTestFinished(() => b.close());
  return [a, b];
}

async function removalReachesTheOtherInstance([a, b]: [TestApp, TestApp]) {
  const created = await a.manage('POST', '/manage/admins', { name: 'maria', role: 'viewer' });
  expect(created.status).toBe(201);
  const onB = () => b.manage('GET', '/manage/admins/me', undefined, { authorization: `Bearer ${created.json.token}` });
  expect((await onB()).json).toMatchObject({ actor: 'admin:maria', role: 'viewer' });

  expect((await a.manage('PATCH', `/manage/admins/${created.json.id}`, { role: 'owner' })).status).toBe(200);
  expect((await onB()).json.role).toBe('owner');

  expect((await a.manage('DELETE', `/manage/admins/${created.json.id}`)).status).toBe(204);
  const refused = await onB();
  expect([refused.status, refused.json.code]).toEqual([401, 'unauthorized']);
}

describe('removing an admin on one instance', () => {
  it('is refused on the next call through a second instance on the same SQLite data folder', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmp-admins-'));
    onTestFinished(() => fs.rmSync(dataDir, { recursive: true, force: true }));
    await removalReachesTheOtherInstance(await twoInstances(async () => ({ dataDir })));
  });

  it.skipIf(pgUnavailable !== null)(
    `is refused on the next call through a second instance on the same PostgreSQL${pgUnavailable ? ` (skipped: ${pgUnavailable})` : ''}`,
    async () => {
      const schema = await scratchSchema();
      const databaseUrl = `${PG_TEST_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
      await removalReachesTheOtherInstance(await twoInstances(async () => ({ databaseUrl })));
    },
  );
});
