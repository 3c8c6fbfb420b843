// Two instances on one store and one Redis: a key that fails on one is rested by both, so the other
// instance does not spend a request (and its client's latency) rediscovering the failure.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { findRedis, uniquePrefix } from '../redis/test-redis.ts';
import { startMockUpstream, type MockUpstream } from '../testing/mock-upstream.ts';
import { startTestApp, type TestApp } from '../testing/test-app.ts';

const KEY_A = 'sk-shared-key-a-aaaa1111';
const KEY_B = 'sk-shared-key-b-bbbb2222';
const redis = await findRedis();

let upstream: MockUpstream;
let one: TestApp;
let two: TestApp;
let dataDir: string;

describe.skipIf(!redis.url)(`key cool-downs shared through Redis${redis.reason ? ` (skipped: ${redis.reason})` : ''}`, () => {
  beforeEach(async () => {
    upstream = await startMockUpstream();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmp-keys-redis-'));
    const shared = {
      redisUrl: redis.url!,
      redisPrefix: uniquePrefix('keys'),
      dataDir,
      databaseFile: path.join(dataDir, 'llm-proxy.db'),
      managementToken: 'shared-management-token-0123456789',
    };
    one = await startTestApp(shared);
    two = await startTestApp(shared);
  });

  afterEach(async () => {
    await one.close();
    await two.close();
    await upstream.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('a key that failed on one instance is skipped by the other until its cool-down ends', async () => {
    const project = (await one.manage('POST', '/manage/projects', { name: 'shared', api_key: KEY_A, base_url: upstream.url })).json as { id: string };
    // The second key is the younger one: wait for the clock to move past the project's creation.
    const projectCreatedAt = Date.now();
    await vi.waitFor(() => expect(Date.now()).toBeGreaterThan(projectCreatedAt), { timeout: 10_000, interval: 1 });
    expect((await one.manage('POST', `/manage/projects/${project.id}/keys`, { label: 'b', api_key: KEY_B })).status).toBe(201);
    const token = ((await one.manage('POST', '/manage/tokens', { project_id: project.id, duration_minutes: 60 })).json as { token: string }).token;
    const chat = (app: TestApp) =>
      new OpenAI({ baseURL: `${app.url}/v1`, apiKey: token, maxRetries: 0 }).chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'hi' }],
      });

    upstream.keyBehaviour[KEY_A] = 500;
    await chat(one); // A fails, B answers
    expect(upstream.countByKey(KEY_A)).toBe(1);

    // The other instance hears of it and shows it.
    const healthOnTwo = async () =>
      ((await two.manage('GET', `/manage/projects/${project.id}/keys`)).json as { label: string; health: string; last_error: string | null }[]).find(
        (k) => k.label === 'default',
      );
    await expect.poll(healthOnTwo, { timeout: 3000 }).toMatchObject({ health: 'cooling_down', last_error: 'status_500' });

    // …and never asks A while it rests, though its own round robin would have started with A.
    for (let i = 0; i < 4; i++) await chat(two);
    expect(upstream.countByKey(KEY_A)).toBe(1);
    expect(upstream.countByKey(KEY_B)).toBe(5);
  });
});
