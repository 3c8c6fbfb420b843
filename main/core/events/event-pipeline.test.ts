import { describe, expect, it } from 'vitest';
import { systemClock } from '../clock.ts';
import { EventPipeline, eventId } from './event-pipeline.ts';
import type { RequestEvent } from './request-event.ts';

const event = (n: number): RequestEvent => ({
  requestId: `req-${n}`,
  time: 1_750_000_000_000 + n,
  projectId: null,
  tokenId: null,
  method: 'GET',
  path: '/v1/models',
  model: null,
  status: 200,
  latencyMs: 1,
  upstreamMs: 1,
  promptTokens: null,
  completionTokens: null,
  costUsd: null,
  cache: null,
  errorCode: null,
  aborted: false,
  streamed: false,
  upstreamKeyId: null,
  attempts: 1,
});

/** An outbox in memory that can be told to refuse writes. */
function memoryOutbox() {
  const rows: { writtenAt: number; payload: string }[][] = [];
  const outbox = {
    refuse: false,
    rows,
    payloads: () => rows.flat().map((r) => JSON.parse(r.payload) as { request_id: string; id: string }),
    async append(batch: { writtenAt: number; payload: string }[]) {
      if (outbox.refuse) throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
      rows.push(batch);
      return rows.flat().length;
    },
  };
  return outbox;
}

describe('EventPipeline', () => {
  it('writes everything recorded in one event-loop turn as one batch, and settles record() after it', async () => {
    const outbox = memoryOutbox();
    const pipeline = new EventPipeline({ repo: outbox, clock: systemClock });
    const seen: string[] = [];
    pipeline.onEvent((e) => seen.push(e.requestId));
    const stored = [pipeline.record(event(1)), pipeline.record(event(2)), pipeline.record(event(3))];
    expect(seen).toEqual(['req-1', 'req-2', 'req-3']);
    expect(outbox.rows).toHaveLength(0);
    await Promise.all(stored);
    expect(outbox.rows).toHaveLength(1);
    expect(outbox.payloads().map((p) => p.request_id)).toEqual(['req-1', 'req-2', 'req-3']);
    await pipeline.record(event(4));
    expect(outbox.rows).toHaveLength(2);
  });

  it('stops holding answers while the store refuses, keeps the events, and writes them in order later', async () => {
    const outbox = memoryOutbox();
    const errors: unknown[] = [];
    const pipeline = new EventPipeline({ repo: outbox, clock: systemClock, retryMs: 1, onError: (err) => errors.push(err) });
    outbox.refuse = true;
    await pipeline.record(event(1)); // settles although the write failed
    await pipeline.record(event(2)); // settles at once: the pipeline knows the store is failing
    expect(pipeline.stats()).toMatchObject({ pending: 2, failing: true });
    expect(errors).toHaveLength(1); // one report per outage, not per retry
    outbox.refuse = false;
    let written: () => void;
    const done = new Promise<void>((resolve) => (written = resolve));
    pipeline.onWritten(() => written());
    await done;
    expect(outbox.payloads().map((p) => p.request_id)).toEqual(['req-1', 'req-2']);
    expect(pipeline.stats()).toMatchObject({ pending: 0, failing: false, dropped: 0 });
  });

  it('drops the oldest events beyond maxPending and counts them', async () => {
    const outbox = memoryOutbox();
    outbox.refuse = true;
    const pipeline = new EventPipeline({ repo: outbox, clock: systemClock, retryMs: 60_000, maxPending: 3 });
    for (let n = 1; n <= 5; n++) await pipeline.record(event(n));
    expect(pipeline.stats()).toMatchObject({ pending: 3, dropped: 2 });
    outbox.refuse = false;
    await pipeline.flush();
    expect(outbox.payloads().map((p) => p.request_id)).toEqual(['req-3', 'req-4', 'req-5']);
    await pipeline.close();
  });

  it('without storage feeds the listeners only and never waits', async () => {
    const outbox = memoryOutbox();
    const pipeline = new EventPipeline({ repo: outbox, clock: systemClock, store: false });
    let seen = 0;
    pipeline.onEvent(() => seen++);
    await pipeline.record(event(1));
    await pipeline.flush();
    expect(seen).toBe(1);
    expect(outbox.rows).toHaveLength(0);
  });

  it('makes UUIDv7 event ids carrying the time', () => {
    const id = eventId(Date.UTC(2026, 0, 2, 3, 4, 5));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(Date.UTC(2026, 0, 2, 3, 4, 5));
    expect(eventId(1)).not.toBe(eventId(1));
  });
});
