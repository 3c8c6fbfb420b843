// Several instances on one store share its outbox: exactly one of them (the holder of each dispatcher's
// lease) delivers it, so a webhook receives every event once however the requests were spread; the
// others show `standby`, and when the holder shuts down (releasing its lease) another takes over.
// Two real apps on one SQLite file, then on one PostgreSQL schema; a real HTTP webhook receiver.
import { randomBytes } from 'node:crypto';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Settings } from '../config/settings.ts';
import { PG_TEST_URL, pgUnavailable, scratchSchema } from '../store/postgres-test-support.ts';
import { openSqliteEventRepository } from '../store/sqlite-events.ts';
import { startMockUpstream, type MockUpstream } from '../testing/mock-upstream.ts';
import { startTestApp, type TestApp } from '../testing/test-app.ts';
import type { EventsOptions } from './runtime.ts';
import { eventually, startWebhookReceiver, type WebhookReceiver } from './test-support.ts';

const UPSTREAM_KEY = 'sk-proj-upstream-secret-instances-77aa';
const LEASE_MS = 3000;
const EVENTS: EventsOptions = { leaseMs: LEASE_MS, batchDelayMs: 5, batchSize: 7, outboxPollMs: 50, backoffMs: 20, maxBackoffMs: 100 };

async function chat(app: TestApp, token: string): Promise<string> {
  const res = await fetch(`${app.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
  });
  await res.arrayBuffer();
  expect(res.status).toBe(200);
  return res.headers.get('x-request-id')!;
}

interface WebhookDispatcher {
  name: string;
  state: string;
  lag_events: number;
  attempts: number;
  next_attempt_at: string | null;
  delivered: number;
}

async function webhookDispatcher(app: TestApp): Promise<WebhookDispatcher> {
  const res = await app.manage('POST', '/manage/rpc/events.status', {});
  expect(res.status).toBe(200);
  return (res.json.value.dispatchers as WebhookDispatcher[]).find((d) => d.name === 'webhook')!;
}

async function webhookState(app: TestApp): Promise<string> {
  return (await webhookDispatcher(app)).state;
}

/**
 * The instance has nothing left to deliver: its cursor (its own as holder, the stored one as last seen
 * in standby) is at the end of the outbox. A holder gets there by acknowledging what the receiver
 * already has; an instance that delivered although in standby would get there the same way, after its
 * copies reached the receiver. So once every instance is here, any duplicate has arrived.
 */
async function settled(app: TestApp): Promise<void> {
  await eventually(async () => (await webhookDispatcher(app)).lag_events === 0, 'no lag');
}

/** Every event id the receiver got, and the ones it got more than once. */
function duplicates(receiver: WebhookReceiver): string[] {
  const seen = new Set<string>();
  const twice: string[] = [];
  for (const e of receiver.events) {
    const id = e.id as string;
    if (seen.has(id)) twice.push(id);
    seen.add(id);
  }
  return twice;
}

/** Two instances on one store (`shared` settings), one webhook: each event once, a standby, a takeover. */
async function scenario(upstream: MockUpstream, receiver: WebhookReceiver, shared: Partial<Settings>): Promise<void> {
  const managementToken = 'mgmt-instances-' + randomBytes(12).toString('hex');
  const start = async (more: Partial<Settings> = {}, events: EventsOptions = EVENTS) => {
    const app = await startTestApp({ ...shared, ...more, managementToken, eventWebhook: receiver.url, events });
    onTestFinished(() => app.close());
    return app;
  };
  // A holds the lease first, and for ten minutes unless it lets go: a takeover by B during this test
  // can only come from A releasing it on close, never from the lease lapsing.
  const a = await start({}, { ...EVENTS, leaseMs: 600_000 });
  await eventually(async () => ['idle', 'delivering'].includes(await webhookState(a)), 'A to hold the lease');
  const b = await start(shared.databaseUrl ? {} : { dataDir: a.dataDir, databaseFile: `${a.dataDir}/llm-proxy.db` });

  const project = await a.manage('POST', '/manage/projects', { name: 'instances', api_key: UPSTREAM_KEY, base_url: upstream.url });
  expect(project.status).toBe(201);
  const minted = await a.manage('POST', '/manage/tokens', { project_id: project.json.id, duration_minutes: 60 });
  const token = minted.json.token as string;

  // 40 chats, both instances at once.
  const ids = await Promise.all(Array.from({ length: 40 }, (_, i) => chat(i % 2 ? a : b, token)));
  await receiver.waitForRequests(40);
  // A second deliverer's copies would have arrived by the time both instances are caught up (see settled).
  await Promise.all([settled(a), settled(b)]);
  expect(new Set(receiver.events.map((e) => e.request_id))).toEqual(new Set(ids));
  expect(duplicates(receiver)).toEqual([]);
  expect(receiver.events).toHaveLength(40);

  // One delivers (A, which took the lease first), the other stands by.
  expect(await webhookState(a)).toMatch(/^(idle|delivering)$/);
  expect(await webhookState(b)).toBe('standby');
  const [leader, follower] = [a, b];

  // The leader shuts down and lets its lease go: the other takes over on its next try (every
  // LEASE_MS / 3) — its lease would not lapse for ten minutes — and delivers what follows.
  await leader.close();
  await eventually(async () => (await webhookState(follower)) !== 'standby', 'takeover');
  const later = await Promise.all(Array.from({ length: 10 }, () => chat(follower, token)));
  await receiver.waitForRequests(50);
  await settled(follower);
  expect(new Set(receiver.events.map((e) => e.request_id))).toEqual(new Set([...ids, ...later]));
  expect(duplicates(receiver)).toEqual([]);
}

async function fixtures() {
  const upstream = await startMockUpstream();
  onTestFinished(() => upstream.close());
  const receiver = await startWebhookReceiver();
  onTestFinished(() => receiver.close());
  return { upstream, receiver };
}

describe('several instances on one store', () => {
  it('two apps on one SQLite file deliver each event once; the standby takes over when the leader closes', async () => {
    const { upstream, receiver } = await fixtures();
    await scenario(upstream, receiver, {});
  }, 60_000);

  it.skipIf(pgUnavailable !== null)(
    `two apps on one PostgreSQL deliver each event once; the standby takes over when the leader closes${pgUnavailable ? ` (skipped: ${pgUnavailable})` : ''}`,
    async () => {
      const { upstream, receiver } = await fixtures();
      const schema = await scratchSchema();
      await scenario(upstream, receiver, {
        databaseUrl: `${PG_TEST_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`,
        // Instances of one team share the data key, as they share the database.
        encryptionKey: randomBytes(32).toString('base64'),
      });
    },
    60_000,
  );

  it('a holder that loses its lease while retrying drops the batch and stands by; it delivers the backlog once it gets the lease back', async () => {
    const { upstream, receiver } = await fixtures();
    receiver.down = true;
    const leaseMs = 600;
    const app = await startTestApp({ eventWebhook: receiver.url, events: { ...EVENTS, leaseMs, maxAttempts: 1000 } });
    onTestFinished(() => app.close());
    const project = await app.manage('POST', '/manage/projects', { name: 'lease', api_key: UPSTREAM_KEY, base_url: upstream.url });
    const token = (await app.manage('POST', '/manage/tokens', { project_id: project.json.id, duration_minutes: 60 })).json.token as string;
    const ids = await Promise.all(Array.from({ length: 5 }, () => chat(app, token)));
    await receiver.waitForRefusals(2);
    await eventually(async () => (await webhookState(app)) === 'retrying', 'retrying');

    // Another process on the same file takes the lease (as if this app had been paused past it).
    const other = openSqliteEventRepository(`${app.dataDir}/llm-proxy.db`);
    onTestFinished(() => other.close());
    const held = (await other.cursors()).find((c) => c.dispatcher === 'webhook')!;
    expect(held.leaseOwner).toMatch(/:[0-9a-f-]{36}$/);
    await other.releaseCursor('webhook', held.leaseOwner!);
    expect(await other.claimCursor('webhook', 'intruder', Date.now(), 60_000)).toMatchObject({ owned: true });
    // Noticed at its next renewal (every leaseMs / 3), which the intruder's claim refuses.
    await eventually(async () => (await webhookState(app)) === 'standby', 'standby');

    // Its retry is gone: the receiver is back, yet nothing comes from the app, and the cursor stays.
    // 'standby' is only reported with no batch in hand, and no retry is scheduled (attempts 0, no next
    // attempt): there is nothing left in the app that could send, so no wait is needed to show it.
    const position = await other.cursor('webhook');
    receiver.down = false;
    expect(await webhookDispatcher(app)).toMatchObject({ name: 'webhook', state: 'standby', lag_events: 5, attempts: 0, next_attempt_at: null, delivered: 0 });
    expect(receiver.events).toEqual([]);
    expect(await other.cursor('webhook')).toBe(position);

    // The intruder lets go: the app takes over from the stored cursor and delivers every event once.
    await other.releaseCursor('webhook', 'intruder');
    await receiver.waitForRequests(5);
    await settled(app); // every delivery acknowledged: a duplicate would be here by now
    expect(receiver.events.map((e) => e.request_id).sort()).toEqual([...ids].sort());
    expect(duplicates(receiver)).toEqual([]);
    expect(await other.cursor('webhook')).toBe((position ?? 0) + 5);
  });
});
