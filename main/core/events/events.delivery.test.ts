// Request events through the real app to a webhook: a receiver that is down for a while gets every
// event once it is back; one that stays down sends them to the dead letters, visible through the API.
import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../testing/mock-upstream.ts';
import { startTestApp, type TestApp } from '../testing/test-app.ts';
import type { DeliveryNotice } from './delivery.ts';
import { eventually, startWebhookReceiver, type WebhookReceiver } from './test-support.ts';

const UPSTREAM_KEY = 'sk-proj-upstream-secret-events-9f3e';
let upstream: MockUpstream;
let receiver: WebhookReceiver;
let t: TestApp | null = null;

beforeEach(async () => {
  upstream = await startMockUpstream();
  receiver = await startWebhookReceiver();
});

afterEach(async () => {
  await t?.close();
  t = null;
  await receiver.close();
  await upstream.close();
});

async function mintToken(app: TestApp): Promise<string> {
  const project = await app.manage('POST', '/manage/projects', { name: 'events', api_key: UPSTREAM_KEY, base_url: upstream.url });
  const token = await app.manage('POST', '/manage/tokens', { project_id: project.json.id, duration_minutes: 60 });
  return token.json.token as string;
}

/** Sends `count` chats through the openai SDK; returns the request ids the proxy answered with. */
async function chat(app: TestApp, token: string, count: number, content = 'hi'): Promise<string[]> {
  const client = new OpenAI({ baseURL: `${app.url}/v1`, apiKey: token, maxRetries: 0 });
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const { response } = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] }).withResponse();
    ids.push(response.headers.get('x-request-id')!);
  }
  return ids;
}

const rpc = async (app: TestApp, method: string, input: unknown = {}) => {
  const res = await app.manage('POST', `/manage/rpc/${method}`, input);
  expect(res.status).toBe(200);
  return res.json.value;
};

/** Resolves once dispatchers have dead-lettered `count` events in all. */
function deadLettered(app: TestApp, count: number): Promise<DeliveryNotice[]> {
  const seen: DeliveryNotice[] = [];
  return new Promise((resolve) =>
    app.app.events.onNotice((_name, notice) => {
      if (notice.type !== 'dead_lettered') return;
      seen.push(notice);
      if (seen.reduce((sum, n) => sum + (n.type === 'dead_lettered' ? n.count : 0), 0) >= count) resolve(seen);
    }),
  );
}

describe('webhook dispatcher', () => {
  it('delivers every event once the receiver is back, retrying the same batch', async () => {
    receiver.down = true;
    t = await startTestApp({ eventWebhook: receiver.url, events: { backoffMs: 10, maxBackoffMs: 50, maxAttempts: 1000, batchDelayMs: 5, batchSize: 7 } });
    const token = await mintToken(t);
    const ids = await chat(t, token, 30, 'purple-elephant-42');

    await receiver.waitForRefusals(3);
    // Sampled between attempts (during one, the state reads `delivering`).
    const webhookStatus = async () => (await rpc(t!, 'events.status')).dispatchers.find((d: { name: string }) => d.name === 'webhook');
    await expect.poll(async () => (await webhookStatus()).state).toBe('retrying');
    const webhook = await webhookStatus();
    expect(webhook).toMatchObject({ kind: 'webhook', source: 'outbox', last_error: 'HTTP 503', dead_letters: 0 });
    expect(webhook.lag_events).toBe(30);
    expect(webhook.target).toBe(`${new URL(receiver.url).origin}/…`);

    receiver.down = false;
    await receiver.waitForRequests(30);
    const delivered = new Set(receiver.events.map((e) => e.request_id));
    for (const id of ids) expect(delivered.has(id)).toBe(true);
    // A retried batch carries the same idempotency key as its first attempt.
    const refusedKeys = new Set(receiver.attempts.filter((a) => !a.accepted).map((a) => a.key));
    expect(receiver.attempts.find((a) => a.accepted)?.key).toBe([...refusedKeys][0]);
    await eventually(async () => (await rpc(t!, 'events.status')).dispatchers[0].lag_events === 0, 'lag 0');

    const event = receiver.events.find((e) => e.request_id === ids[0])!;
    expect(event).toMatchObject({
      method: 'POST',
      path: '/v1/chat/completions',
      model: 'gpt-4o-mini',
      status: 200,
      prompt_tokens: 11,
      completion_tokens: 5,
      cache: 'bypass',
      error: null,
      aborted: false,
      streamed: false,
      attempts: 1,
      upstream_key_id: expect.any(String),
    });
    expect(event.latency_ms).toEqual(expect.any(Number));
    expect(event.upstream_ms).toEqual(expect.any(Number));
    // Never a body, a token or a key.
    const everything = JSON.stringify(receiver.events) + JSON.stringify(webhook);
    for (const secret of ['purple-elephant-42', token, UPSTREAM_KEY, 's3cr3t-webhook', 'Hello from the mock']) expect(everything).not.toContain(secret);
  });

  it('moves a batch to the dead letters after maxAttempts, visible through the API, and goes on', async () => {
    receiver.down = true;
    t = await startTestApp({ eventWebhook: receiver.url, events: { backoffMs: 5, maxBackoffMs: 20, maxAttempts: 3, batchDelayMs: 5, batchSize: 100 } });
    const token = await mintToken(t);
    const allDead = deadLettered(t, 5);
    const ids = await chat(t, token, 5);
    for (const notice of await allDead) expect(notice).toMatchObject({ type: 'dead_lettered', error: 'HTTP 503' });

    const page = await rpc(t, 'events.deadLetters', { dispatcher: 'webhook' });
    expect(page.pagination.total_count).toBe(5);
    expect(page.dead_letters.map((d: { event: { request_id: string } }) => d.event.request_id).sort()).toEqual([...ids].sort());
    expect(page.dead_letters[0]).toMatchObject({ dispatcher: 'webhook', attempts: 3, error: 'HTTP 503' });
    const status = await rpc(t, 'events.status');
    expect(status.dispatchers[0]).toMatchObject({ name: 'webhook', dead_letters: 5, lag_events: 0 });
    expect(JSON.stringify(page) + JSON.stringify(status)).not.toContain('s3cr3t-webhook');

    // The cursor moved on: later events are delivered once the receiver answers.
    receiver.down = false;
    const [later] = await chat(t, token, 1);
    await receiver.waitForRequests(1);
    expect(receiver.events.map((e) => e.request_id)).toEqual([later]);
  });

  it('records refusals too, and keeps events in the outbox for the retention', async () => {
    t = await startTestApp({ eventWebhook: receiver.url, events: { batchDelayMs: 5 } });
    const token = await mintToken(t);
    const client = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: 'llmp_not-a-token', maxRetries: 0 });
    await expect(client.models.list()).rejects.toMatchObject({ status: 401 });
    await chat(t, token, 1);
    await receiver.waitForRequests(2);
    const refused = receiver.events.find((e) => e.status === 401)!;
    expect(refused).toMatchObject({ method: 'GET', path: '/v1/models', error: 'invalid_api_key', token_id: null, project_id: null, upstream_ms: null });
    const status = await rpc(t, 'events.status');
    expect(status).toMatchObject({ stored: true, retention_days: 7, stored_events: 2, recorded: 2, dropped: 0, pending: 0 });
  });
});
