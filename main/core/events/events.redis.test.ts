// Several instances feed one dispatcher through a Redis Stream: each publishes its outbox to the
// stream, the instance with the JSONL file reads it in a consumer group and acknowledges after writing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
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

async function ask(app: TestApp, count: number): Promise<string[]> {
  const project = (await app.manage('POST', '/manage/projects', { name: 'stream', api_key: 'sk-stream-key', base_url: upstream.url })).json;
  const token = (await app.manage('POST', '/manage/tokens', { project_id: project.id, duration_minutes: 60 })).json.token;
  const client = new OpenAI({ baseURL: `${app.url}/v1`, apiKey: token, maxRetries: 0 });
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push((await client.models.list().withResponse()).response.headers.get('x-request-id')!);
  return ids;
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
    const written = () => new Set((fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { request_id: string }).request_id));
    await eventually(() => ids.every((id) => written().has(id)), 'all events in the JSONL file');

    const status = (await dispatcher.manage('POST', '/manage/rpc/events.status', {})).json.value;
    expect(status.redis_stream).toEqual({ key: `${prefix}events`, state: 'ready' });
    expect(status.dispatchers.map((d: { name: string; source: string }) => [d.name, d.source])).toEqual([
      ['redis-stream', 'outbox'],
      ['jsonl', 'redis-stream'],
    ]);
    await eventually(async () => (await publisher.manage('POST', '/manage/rpc/events.status', {})).json.value.dispatchers[0].lag_events === 0, 'publisher caught up');

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
});
