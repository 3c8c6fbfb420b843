// At least once across a Redis that loses its data: a private redis-server is flushed (FLUSHALL) while
// events flow, once with the JSONL dispatcher reading (its consumer group vanishes under it) and once
// while it is stopped (the events it has not read yet exist only in the lost stream). Every answered
// request still reaches the JSONL file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { hasRedisServer, startOwnRedis, uniquePrefix, type OwnRedis } from '../redis/test-redis.ts';
import { startMockUpstream, type MockUpstream } from '../testing/mock-upstream.ts';
import { startTestApp, type TestApp } from '../testing/test-app.ts';
import { eventually } from './test-support.ts';

let upstream: MockUpstream;
let own: OwnRedis;
beforeAll(async () => {
  upstream = await startMockUpstream();
  if (hasRedisServer()) own = await startOwnRedis();
});
afterAll(async () => {
  await upstream.close();
  await own?.stop();
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
});

async function ask(app: TestApp, token: string, count: number): Promise<string[]> {
  const client = new OpenAI({ baseURL: `${app.url}/v1`, apiKey: token, maxRetries: 0 });
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push((await client.models.list().withResponse()).response.headers.get('x-request-id')!);
  return ids;
}

/** Removed after all tests, once every app that wrote into them has closed (not while one still may). */
const tempDirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmp-events-flush-'));
  tempDirs.push(dir);
  return dir;
}

describe.skipIf(!hasRedisServer())('events across a Redis that loses its data (FLUSHALL)', () => {
  it('every answered request reaches the JSONL file: the group is created again, unacknowledged events are published again', async () => {
    const prefix = uniquePrefix('flush');
    const file = path.join(tempDir(), 'events.jsonl');
    const dispatcherDir = tempDir();
    const options = { batchDelayMs: 5, streamPollMs: 20, backoffMs: 20, maxBackoffMs: 100 };
    const publisher = await startTestApp({ redisUrl: own.url, redisPrefix: prefix, events: options });
    onTestFinished(() => publisher.close());
    const startDispatcher = () => startTestApp({ redisUrl: own.url, redisPrefix: prefix, eventLog: file, dataDir: dispatcherDir, events: options });
    let dispatcher = await startDispatcher();
    const admin = new Redis(own.url);
    onTestFinished(() => admin.disconnect());

    const project = (await publisher.manage('POST', '/manage/projects', { name: 'flush', api_key: 'sk-flush-key', base_url: upstream.url })).json;
    const token = (await publisher.manage('POST', '/manage/tokens', { project_id: project.id, duration_minutes: 60 })).json.token as string;
    const written = () =>
      new Set(
        (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '')
          .split('\n')
          .filter(Boolean)
          .map((l) => (JSON.parse(l) as { request_id: string }).request_id),
      );
    const publishedAll = async () => (await publisher.manage('POST', '/manage/rpc/events.status', {})).json.value.dispatchers[0].lag_events === 0;

    const ids = await ask(publisher, token, 3);
    await eventually(() => ids.every((id) => written().has(id)), 'the first events in the file');

    // 1. Flushed while the dispatcher reads: its group is gone (NOGROUP); it must not loop on the error.
    await admin.flushall();
    ids.push(...(await ask(publisher, token, 4)));
    await eventually(() => ids.every((id) => written().has(id)), 'the events after the first flush');

    // 2. Flushed while the dispatcher is stopped: these were in the stream only, unread.
    await dispatcher.close();
    const unread = await ask(publisher, token, 5);
    ids.push(...unread);
    await eventually(publishedAll, 'the unread events published to the stream');
    await admin.flushall();
    ids.push(...(await ask(publisher, token, 2))); // the publisher notices the new stream with these
    dispatcher = await startDispatcher();
    onTestFinished(() => dispatcher.close());
    await eventually(() => ids.every((id) => written().has(id)), 'every event in the file after the second flush');
    expect(ids).toHaveLength(14);

    // Nothing is left pending: the groups acknowledged what they wrote.
    await eventually(async () => Number((await admin.xpending(`${prefix}events`, 'jsonl'))[0]) === 0, 'no pending entries');
  });
});
