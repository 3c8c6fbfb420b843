// The app on PostgreSQL (LLM_PROXY_DATABASE_URL): /ready and system.info name the store, and two
// instances sharing one database see each other's tokens and revocations.
import { randomBytes } from 'node:crypto';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { PG_TEST_URL, pgUnavailable, scratchSchema } from './store/postgres-test-support.ts';
import { startMockUpstream } from './testing/mock-upstream.ts';
import { startTestApp } from './testing/test-app.ts';

const UPSTREAM_KEY = 'sk-proj-upstream-secret-abcd1234';
const urlFor = (schema: string) => `${PG_TEST_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;

async function chat(url: string, token: string) {
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
  });
  await res.arrayBuffer();
  return res.status;
}

describe.skipIf(pgUnavailable !== null)(`the app on PostgreSQL${pgUnavailable ? ` (skipped: ${pgUnavailable})` : ''}`, () => {
  it('reports the store in /ready and system.info; a token minted on one instance works on another until revoked', async () => {
    const upstream = await startMockUpstream();
    onTestFinished(() => upstream.close());
    const databaseUrl = urlFor(await scratchSchema());
    // Instances of one team share the data key (LLM_PROXY_ENCRYPTION_KEY), as they share the database.
    const encryptionKey = randomBytes(32).toString('base64');
    const a = await startTestApp({ databaseUrl, encryptionKey });
    onTestFinished(() => a.close());
    const b = await startTestApp({ databaseUrl, encryptionKey, tokenCacheTtlMs: 200 });
    onTestFinished(() => b.close());

    const ready = (await (await fetch(`${a.url}/ready`)).json()) as { status: string; checks: Record<string, string>; details: { store: unknown } };
    expect(ready).toMatchObject({ status: 'ready', checks: { store: 'ok' }, details: { store: { kind: 'postgres' } } });
    const info = await a.manage('POST', '/manage/rpc/system.info', {});
    expect(info.json.value.database).toMatchObject({
      kind: 'postgres',
      location: 'postgres://127.0.0.1:5432/test',
      schema_version: expect.stringMatching(/^\d{4}_/),
    });
    expect(JSON.stringify(info.json)).not.toContain('search_path');

    const project = (await a.manage('POST', '/manage/projects', { name: 'shared', api_key: UPSTREAM_KEY, base_url: upstream.url })).json as { id: string };
    const minted = await a.manage('POST', '/manage/tokens', { project_id: project.id, duration_minutes: 60 });
    expect(minted.status).toBe(201);
    const token = minted.json.token as string;

    expect(await chat(b.url, token)).toBe(200);
    expect(await chat(a.url, token)).toBe(200);

    expect((await a.manage('DELETE', `/manage/tokens/${minted.json.id}`)).status).toBe(204);
    // B has no Redis to hear of the revoke: it refuses once its token cache (200 ms here) has expired.
    await vi.waitFor(async () => expect(await chat(b.url, token)).toBe(401), { timeout: 15_000, interval: 50 });
  });
});
