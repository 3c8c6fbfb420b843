import { describe, expect, it } from 'vitest';
import { tempStore } from './test-support.ts';

const rows = (n: number, writtenAt = 1000) =>
  Array.from({ length: n }, (_, i) => ({ writtenAt, payload: JSON.stringify({ id: `e${i}`, time: '2026-01-01T00:00:00.000Z' }) }));

describe('SQLite event outbox', () => {
  it('appends in order (also past one multi-row INSERT) and reads after a cursor', async () => {
    const store = await tempStore();
    expect(await store.events.lastSeq()).toBe(0);
    expect(await store.events.append(rows(70))).toBe(70);
    const page = await store.events.readAfter(30, 50);
    expect(page.map((r) => r.seq)).toEqual(Array.from({ length: 40 }, (_, i) => 31 + i));
    expect(JSON.parse(page[0]!.payload)).toEqual({ id: 'e30', time: '2026-01-01T00:00:00.000Z' });
    expect(await store.events.oldestAfter(70)).toBeNull();
    expect(await store.events.oldestAfter(69)).toBe(1000);
  });

  it('keeps cursors monotonic and moves one past dead letters in the same transaction', async () => {
    const store = await tempStore();
    await store.events.append(rows(5));
    expect(await store.events.cursor('webhook')).toBeNull();
    expect(await store.events.claimCursor('webhook', 'me', 1, 1000)).toEqual({ owned: true, position: 5 }); // created at the end
    expect(await store.events.setCursor('webhook', 'me', 0, 1)).toBe(true); // an older acknowledgement never moves it back
    expect(await store.events.cursor('webhook')).toBe(5);
    await store.events.append(rows(3));
    expect(await store.events.setCursor('webhook', 'me', 6, 2)).toBe(true);
    expect(await store.events.cursor('webhook')).toBe(6);
    await store.events.addDeadLetters([{ dispatcher: 'webhook', eventId: 'e3', time: 5, failedAt: 6, attempts: 10, error: 'HTTP 503', payload: '{}' }], {
      dispatcher: 'webhook',
      owner: 'me',
      position: 8,
      now: 7,
    });
    expect(await store.events.cursor('webhook')).toBe(8);
    expect(await store.events.deadLetterCounts()).toEqual({ webhook: 1 });
    const page = await store.events.deadLetters({ dispatcher: 'webhook', page: 1, pageSize: 10 });
    expect(page).toMatchObject({ totalCount: 1, items: [{ dispatcher: 'webhook', eventId: 'e3', attempts: 10, error: 'HTTP 503' }] });
  });

  it('prunes only delivered, old events, and never the newest, so seqs never go back', async () => {
    const store = await tempStore();
    await store.events.append(rows(10, 1000));
    await store.events.append(rows(5, 5000));
    // Delivered up to 12, older than 2000: seqs 1..10.
    expect(await store.events.prune({ before: 2000, upTo: 12, limit: 100, deadLettersBefore: 0 })).toEqual({ events: 10, deadLetters: 0 });
    // Everything delivered and old: all but the newest row go.
    expect((await store.events.prune({ before: 9999, upTo: 15, limit: 100, deadLettersBefore: 0 })).events).toBe(4);
    expect(await store.events.storedCount()).toBe(1);
    expect(await store.events.lastSeq()).toBe(15);
    expect(await store.events.append(rows(1))).toBe(16);
  });
});
