// Two `llm-proxy serve` processes on one PostgreSQL (no Redis): a quota of 10 holds exactly across both,
// a token minted on A works on B, and a revoke on A is refused on B within the token cache TTL.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { PG_TEST_URL, pgUnavailable, scratchSchema } from './store/postgres-test-support.ts';
import { startMockUpstream } from './testing/mock-upstream.ts';
import { startServeProcess } from './testing/serve-process.ts';

const UPSTREAM_KEY = 'sk-proj-upstream-secret-abcd1234';
const MGMT = 'mgmt-instances-test-at-least-32-chars';

async function chat(url: string, token: string) {
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
  });
  await res.arrayBuffer();
  return res.status;
}

describe.skipIf(pgUnavailable !== null)(`two processes on one PostgreSQL${pgUnavailable ? ` (skipped: ${pgUnavailable})` : ''}`, () => {
  it('holds a quota of 10 exactly over 40 parallel requests to both; mint on A, use on B; revoke on A, refused on B', async () => {
    const upstream = await startMockUpstream();
    onTestFinished(() => upstream.close());
    const schema = await scratchSchema();
    const env = {
      LLM_PROXY_DATABASE_URL: `${PG_TEST_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`,
      LLM_PROXY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      LLM_PROXY_TOKEN_CACHE_TTL_MS: '300',
    };
    const start = async () => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmp-pg-instance-'));
      onTestFinished(() => fs.rmSync(dataDir, { recursive: true, force: true }));
      const p = await startServeProcess({ dataDir, managementToken: MGMT, env });
      onTestFinished(() => p.stop());
      return p;
    };
    const [a, b] = await Promise.all([start(), start()]);

    const project = (await a.manage('POST', '/manage/projects', { name: 'shared', api_key: UPSTREAM_KEY, base_url: upstream.url })).json as { id: string };
    const quota = await a.manage('POST', '/manage/tokens', { project_id: project.id, duration_minutes: 60, max_requests: 10 });
    expect(quota.status).toBe(201);
    const statuses = await Promise.all(Array.from({ length: 40 }, (_, i) => chat(i % 2 ? a.url : b.url, quota.json.token as string)));
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.filter((s) => s !== 200).every((s) => s === 429 || s === 403)).toBe(true);
    expect(upstream.received.length).toBe(10);

    const minted = await a.manage('POST', '/manage/tokens', { project_id: project.id, duration_minutes: 60 });
    const token = minted.json.token as string;
    expect(await chat(b.url, token)).toBe(200);
    expect((await a.manage('DELETE', `/manage/tokens/${minted.json.id}`)).status).toBe(204);
    expect(await chat(a.url, token)).toBe(401);
    // B refuses it once its token cache has expired (no clock is asserted: polled by requests).
    await vi.waitFor(async () => expect(await chat(b.url, token)).toBe(401), { timeout: 15_000, interval: 50 });
  }, 60_000);
});
