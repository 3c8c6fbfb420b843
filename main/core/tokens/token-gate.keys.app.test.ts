// A project's key rotation across reloads of the project (every token-cache period): requests spaced
// further apart than the cache TTL still split by weight, and a change of weights applies without a
// restart. Real app, real SQLite, an injected clock, the mock upstream telling which key was used.
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../testing/mock-upstream.ts';
import { ManualClock, startTestApp, type TestApp } from '../testing/test-app.ts';

const KEY_A = 'sk-proj-light-key-aaaa';
const KEY_B = 'sk-proj-heavy-key-bbbb';
const TTL_MS = 1_000;
let t: TestApp;
let upstream: MockUpstream;
let clock: ManualClock;

beforeEach(async () => {
  upstream = await startMockUpstream();
  clock = new ManualClock();
  t = await startTestApp({ clock, tokenCacheTtlMs: TTL_MS });
});
afterEach(async () => {
  await t.close();
  await upstream.close();
});

/** Sends `n` chat requests, moving the clock past the token cache TTL before each; counts them by key. */
async function spacedRequests(token: string, n: number): Promise<Record<string, number>> {
  const before = upstream.received.length;
  for (let i = 0; i < n; i++) {
    clock.advance(TTL_MS + 500);
    const res = await fetch(`${t.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(200);
    await res.arrayBuffer();
  }
  const counts: Record<string, number> = {};
  for (const request of upstream.received.slice(before)) {
    const used = String(request.headers.authorization).replace('Bearer ', '');
    counts[used] = (counts[used] ?? 0) + 1;
  }
  return counts;
}

describe('weighted keys across project reloads', () => {
  it('splits spaced requests 1:3, and follows a new weight from another instance without a restart', async () => {
    const project = (await t.manage('POST', '/manage/projects', { name: 'spaced', api_key: KEY_A, base_url: upstream.url })).json as { id: string };
    const base = `/manage/projects/${project.id}/keys`;
    const added = await t.manage('POST', base, { label: 'heavy', api_key: KEY_B, weight: 3 });
    expect(added.status).toBe(201);
    const token = (await t.manage('POST', '/manage/tokens', { project_id: project.id, duration_minutes: 60 })).json.token as string;

    expect(await spacedRequests(token, 8)).toEqual({ [KEY_A]: 2, [KEY_B]: 6 });

    // Written to the store behind this instance's back (as another instance on the same database
    // would): only the reload after the TTL can see it.
    const db = new Database(path.join(t.dataDir, 'llm-proxy.db'));
    db.prepare('UPDATE upstream_keys SET weight = 1 WHERE id = ?').run(added.json.id);
    db.close();
    expect(await spacedRequests(token, 4)).toEqual({ [KEY_A]: 2, [KEY_B]: 2 });
  });
});
