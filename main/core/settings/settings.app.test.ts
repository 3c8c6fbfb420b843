// Settings changed at run time, against the real app, a real SQLite file and the real Redis at
// 127.0.0.1:6379: a Redis URL set through the API is tested, moves limits, cache, revocations and
// events at once, survives a restart on the same data folder and is never in clear on disk.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findRedis, uniquePrefix } from '../redis/test-redis.ts';
import { startTestApp, type TestApp } from '../testing/test-app.ts';

let redisUrl: string | null = null;
let skipReason = '';
const apps: TestApp[] = [];

beforeAll(async () => {
  const found = await findRedis();
  redisUrl = found.url;
  skipReason = found.reason ?? '';
});
afterEach(async () => {
  for (const t of apps.splice(0)) await t.close();
});

async function start(overrides: Parameters<typeof startTestApp>[0] = {}): Promise<TestApp> {
  const t = await startTestApp(overrides);
  apps.push(t);
  return t;
}

async function ready(t: TestApp): Promise<{ status: number; json: { checks: Record<string, string> } }> {
  const res = await fetch(`${t.url}/ready`);
  return { status: res.status, json: (await res.json()) as { checks: Record<string, string> } };
}

/**
 * /ready until it reports Redis connected, as a user would look: a busy machine can make the first
 * connection attempt fail (it is retried within a second). Gives up after 10 s.
 */
async function redisReady(t: TestApp): Promise<{ status: number; json: { checks: Record<string, string> } }> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const answer = await ready(t);
    if (answer.json.checks.redis === 'ok' || Date.now() > deadline) return answer;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** With a password, so the test can look for it: Redis's nopass default user accepts any. */
function withPassword(url: string, password: string): string {
  const parsed = new URL(url);
  parsed.username = 'default';
  parsed.password = password;
  return parsed.toString();
}

describe('settings changed at run time', () => {
  it('a Redis URL set through the API is tested, applies at once, survives a restart and is sealed on disk', async (ctx) => {
    if (!redisUrl) return ctx.skip(skipReason);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmp-settings-'));
    const prefix = uniquePrefix('settings');
    const password = `pw-${prefix.slice(5, 17)}`;
    const url = withPassword(redisUrl, password);
    const t = await start({ dataDir });

    const before = await t.manage('GET', '/manage/settings');
    expect(before.status).toBe(200);
    expect(before.json.settings.redis_url).toEqual({ value: null, start_value: null, source: 'default', source_detail: null, locked: false, changed_at: null });
    expect(before.json.redis.configured).toBe(false);
    expect((await ready(t)).json.checks.redis).toBeUndefined();

    const changed = await t.manage('PATCH', '/manage/settings', { redis_url: url, redis_prefix: prefix });
    expect(changed.status, JSON.stringify(changed.json)).toBe(200);
    expect(changed.json.settings.redis_url).toMatchObject({ value: withPassword(redisUrl, '****'), source: 'changed', locked: false });
    expect(changed.json.settings.redis_prefix).toMatchObject({ value: prefix, source: 'changed' });
    expect(changed.json.redis).toMatchObject({ configured: true, prefix });
    expect(await redisReady(t)).toMatchObject({ status: 200, json: { checks: { redis: 'ok' } } });

    // Every borrower moved: the instance is announced, the cache and the event stream live in Redis.
    const probe = new Redis(redisUrl);
    try {
      expect(await probe.zcard(`${prefix}instances`)).toBeGreaterThanOrEqual(1);
    } finally {
      probe.disconnect();
    }
    expect((await t.manage('GET', '/manage/cache/stats')).json.store).toBe('redis');
    expect((await t.app.call('events.status', {})).redis_stream).toMatchObject({ key: `${prefix}events` });

    // The change is audited by name, never with the URL or its password.
    const audit = await t.manage('GET', '/manage/audit?action=settings.update');
    expect(audit.json.events[0]).toMatchObject({ outcome: 'success', details: { changed: ['redis_url', 'redis_prefix'] } });
    await t.app.flush();
    expect(JSON.stringify(audit.json) + t.logs()).not.toContain(password);

    await t.close();
    apps.splice(apps.indexOf(t), 1);
    for (const file of fs.readdirSync(dataDir).filter((f) => f.startsWith('llm-proxy.db'))) {
      const bytes = fs.readFileSync(path.join(dataDir, file)).toString('latin1');
      expect(bytes).not.toContain(password);
      expect(bytes).not.toContain(prefix);
    }

    // Same data folder, no flag or env var: the stored change applies before the first request.
    const again = await start({ dataDir });
    expect(await redisReady(again)).toMatchObject({ status: 200, json: { checks: { redis: 'ok' } } });
    const after = await again.manage('GET', '/manage/settings');
    expect(after.json.settings.redis_url).toMatchObject({ value: withPassword(redisUrl, '****'), source: 'changed' });
    expect(after.json.redis).toMatchObject({ state: 'ready', prefix });

    // Cleared: back to the start value (no Redis), from the next request on and after a restart.
    const cleared = await again.manage('PATCH', '/manage/settings', { redis_url: null, redis_prefix: null });
    expect(cleared.json.settings.redis_url).toMatchObject({ value: null, source: 'default' });
    expect(cleared.json.redis.configured).toBe(false);
    expect((await ready(again)).json.checks.redis).toBeUndefined();
    expect((await again.manage('GET', '/manage/cache/stats')).json.store).toBe('memory');
  });

  it('refuses a Redis that does not answer, and changes nothing', async () => {
    const t = await start();
    const res = await t.manage('PATCH', '/manage/settings', { redis_url: 'redis://127.0.0.1:1', log_level: 'warn' });
    expect(res.status).toBe(422);
    expect(res.json.code).toBe('redis_connect_failed');
    expect(res.json.error).toContain('127.0.0.1:1');
    const now = (await t.manage('GET', '/manage/settings')).json.settings;
    expect(now.redis_url.value).toBeNull();
    expect(now.log_level).toMatchObject({ value: 'debug', source: 'default' });
    const audit = await t.manage('GET', '/manage/audit?action=settings.update');
    expect(audit.json.events[0]).toMatchObject({ outcome: 'failure', details: { code: 'redis_connect_failed' } });
  });

  it('shows a setting fixed by an environment variable as locked, and refuses to change it', async () => {
    const t = await start({
      logLevel: 'info',
      settingSources: {
        logLevel: { kind: 'env', detail: 'env LLM_PROXY_LOG_LEVEL' },
        cacheMaxBytes: { kind: 'config_file', detail: 'config file /etc/llm-proxy.json' },
      },
    });
    const view = (await t.manage('GET', '/manage/settings')).json.settings;
    expect(view.log_level).toEqual({
      value: 'info',
      start_value: 'info',
      source: 'env',
      source_detail: 'env LLM_PROXY_LOG_LEVEL',
      locked: true,
      changed_at: null,
    });
    expect(view.cache_max_bytes).toMatchObject({ source: 'config_file', source_detail: 'config file /etc/llm-proxy.json', locked: false });
    const refused = await t.manage('PATCH', '/manage/settings', { log_level: 'debug', event_retention_days: 3 });
    expect(refused.status).toBe(409);
    expect(refused.json.code).toBe('setting_locked');
    expect(refused.json.error).toContain('env LLM_PROXY_LOG_LEVEL');
    // Nothing of the refused change applied.
    expect((await t.app.call('events.status', {})).retention_days).toBe(7);
  });

  it('applies the cache size and event retention at once; null goes back to the start value', async () => {
    const t = await start();
    const off = await t.manage('PATCH', '/manage/settings', { cache_max_bytes: 0, event_retention_days: 3 });
    expect(off.status).toBe(200);
    expect((await t.manage('GET', '/manage/cache/stats')).json.store).toBe('off');
    expect((await t.app.call('events.status', {})).retention_days).toBe(3);
    const back = await t.manage('PATCH', '/manage/settings', { cache_max_bytes: null, event_retention_days: null });
    expect(back.json.settings.cache_max_bytes).toMatchObject({ value: 64 * 1024 * 1024, source: 'default', changed_at: null });
    expect((await t.manage('GET', '/manage/cache/stats')).json).toMatchObject({ store: 'memory', max_bytes: 64 * 1024 * 1024 });
    expect((await t.app.call('events.status', {})).retention_days).toBe(7);
  });

  it('refuses bad values with validation_failed and an empty change', async () => {
    const t = await start();
    for (const body of [
      { redis_url: 'http://127.0.0.1:6379' },
      { redis_prefix: 'has space' },
      { cache_max_bytes: -1 },
      { event_retention_days: 1.5 },
      { log_level: 'loud' },
      { unknown: 1 },
      {},
    ]) {
      const res = await t.manage('PATCH', '/manage/settings', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json.code).toBe('validation_failed');
    }
  });

  it('lets only owners change settings', async () => {
    const t = await start();
    await expect(t.app.call('settings.update', { log_level: 'warn' }, { role: 'viewer', actor: 'admin:vera' })).rejects.toMatchObject({
      code: 'forbidden_role',
    });
    await expect(t.app.call('settings.update', { log_level: 'warn' }, { role: 'operator', actor: 'admin:olga', projectIds: [] })).rejects.toMatchObject({
      code: 'forbidden_role',
    });
    expect((await t.app.call('settings.update', { log_level: 'warn' })).settings.log_level).toMatchObject({ value: 'warn', source: 'changed' });
  });
});
