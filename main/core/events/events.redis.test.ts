// Several instances feed one dispatcher through a Redis Stream: each publishes its outbox to the
// stream, the instance with the JSONL file reads it in a consumer group and acknowledges after writing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { findRedis, uniquePrefix } from '../redis/test-redis.ts';
import { startMockUpstream, type MockUpstream } from '../testing/mock-upstream.ts';
import { startTestApp, type TestApp } from '../testing/test-app.ts';
import { eventually } from './test-support.ts';

const redis = await findRedis();
let upstream: MockUpstream;
const apps: TestApp[] = [];
let dir: string;

beforeAll(async () => {
  upstream = await startMockUpstream();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmp-events-redis-'));
});
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});
afterAll(async () => {
  await upstream.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function ask(app: TestApp, count: number, token?: string): Promise<string[]> {
  token ??= await mint(app);
  const client = new OpenAI({ baseURL: `${app.url}/v1`, apiKey: token, maxRetries: 0 });
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push((await client.models.list().withResponse()).response.headers.get('x-request-id')!);
  return ids;
}

async function mint(app: TestApp, name = 'stream'): Promise<string> {
  const project = (await app.manage('POST', '/manage/projects', { name, api_key: 'sk-stream-key', base_url: upstream.url })).json;
  return (await app.manage('POST', '/manage/tokens', { project_id: project.id, duration_minutes: 60 })).json.token as string;
}

describe.skipIf(!redis.url)(`events through a Redis stream${redis.reason ? ` (skipped: ${redis.reason})` : ''}`, () => {
  it('delivers the events of every instance to the one JSONL dispatcher, acknowledging each', async () => {
    const prefix = uniquePrefix('events');
    const file = path.join(dir, 'all-instances.jsonl');
    const options = { batchDelayMs: 5, streamPollMs: 20 };
    const publisher = await startTestApp({ redisUrl: redis.url!, redisPrefix: prefix, events: options });
    apps.push(publisher);
    const dispatcher = await startTestApp({ redisUrl: redis.url!, redisPrefix: prefix, eventLog: file, events: options });
    apps.push(dispatcher);

    const ids = [...(await ask(publisher, 5)), ...(await ask(dispatcher, 3))];
    const written = () =>
      new Set(
        (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '')
          .split('\n')
          .filter(Boolean)
          .map((l) => (JSON.parse(l) as { request_id: string }).request_id),
      );
    await eventually(() => ids.every((id) => written().has(id)), 'all events in the JSONL file');

    const status = (await dispatcher.manage('POST', '/manage/rpc/events.status', {})).json.value;
    expect(status.redis_stream).toEqual({ key: `${prefix}events`, state: 'ready' });
    expect(status.dispatchers.map((d: { name: string; source: string }) => [d.name, d.source])).toEqual([
      ['redis-stream', 'outbox'],
      ['jsonl', 'redis-stream'],
    ]);
    await eventually(
      async () => (await publisher.manage('POST', '/manage/rpc/events.status', {})).json.value.dispatchers[0].lag_events === 0,
      'publisher caught up',
    );

    const client = new Redis(redis.url!);
    try {
      // Acknowledged after the file was written: nothing stays pending in the group.
      await eventually(async () => Number((await client.xpending(`${prefix}events`, 'jsonl'))[0]) === 0, 'no pending entries');
      expect(await client.xlen(`${prefix}events`)).toBe(8);
    } finally {
      await client.del(`${prefix}events`);
      client.disconnect();
    }
  });

  it('publishes each event once when instances share one store (one publisher holds the outbox lease)', async () => {
    const prefix = uniquePrefix('events-shared');
    const options = { batchDelayMs: 5, streamPollMs: 20, outboxPollMs: 20, leaseMs: 3000 };
    const a = await startTestApp({ redisUrl: redis.url!, redisPrefix: prefix, events: options });
    apps.push(a);
    const b = await startTestApp({
      redisUrl: redis.url!,
      redisPrefix: prefix,
      dataDir: a.dataDir,
      databaseFile: path.join(a.dataDir, 'llm-proxy.db'),
      managementToken: a.managementToken,
      events: options,
    });
    apps.push(b);
    const token = await mint(a);
    const ids = [...(await ask(a, 4, token)), ...(await ask(b, 4, token))];

    const client = new Redis(redis.url!);
    try {
      const published = async () =>
        ((await client.xrange(`${prefix}events`, '-', '+')) as [string, string[]][]).map(
          ([, fields]) => (JSON.parse(fields[fields.indexOf('e') + 1]!) as { request_id: string }).request_id,
        );
      await eventually(async () => {
        const seen = await published();
        return ids.every((id) => seen.includes(id));
      }, 'all events published');
      // A second publisher's copies would be in the stream by the time both instances are caught up: a
      // publisher reaches the end of the outbox only after XADD returned (the holder), and an instance in
      // standby sees the stored cursor there only after the holder acknowledged everything.
      await vi.waitFor(
        async () => {
          for (const app of [a, b]) expect((await app.manage('POST', '/manage/rpc/events.status', {})).json.value.dispatchers[0].lag_events).toBe(0);
        },
        { timeout: 15_000, interval: 20 },
      );
      expect((await published()).sort()).toEqual([...ids].sort());
      const states = await Promise.all([a, b].map(async (app) => (await app.manage('POST', '/manage/rpc/events.status', {})).json.value.dispatchers[0]));
      expect(states.map((d: { name: string }) => d.name)).toEqual(['redis-stream', 'redis-stream']);
      const publishing = states.map((d: { state: string }) => d.state).filter((state) => state !== 'standby');
      expect(publishing).toHaveLength(1);
      expect(['idle', 'delivering']).toContain(publishing[0]);
    } finally {
      await client.del(`${prefix}events`);
      client.disconnect();
    }
  });
});
