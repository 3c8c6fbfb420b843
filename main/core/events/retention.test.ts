// Retention reads the cursors stored in the database: an instance in standby (or one without the
// dispatcher configured) never prunes events the lease holder has not delivered yet.
import { expect, it } from 'vitest';
import { ManualClock } from '../testing/test-app.ts';
import { describeEachStore } from '../store/store-matrix.ts';
import { EventRetention, storedDeliveredUpTo } from './retention.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);

describeEachStore('event retention', (tempStore) => {
  it('prunes only up to the lowest stored cursor of the configured dispatchers and of those leased elsewhere', async () => {
    const store = await tempStore();
    const repo = store.events;
    // Both cursors start at the (empty) end, then 10 old events: the webhook holder (instance a) has
    // delivered 4 of them, the JSONL holder (instance b) 8.
    expect((await repo.claimCursor('webhook', 'a', T0, 60_000)).owned).toBe(true);
    expect((await repo.claimCursor('jsonl', 'b', T0, 60_000)).owned).toBe(true);
    await repo.append(Array.from({ length: 10 }, (_, i) => ({ writtenAt: T0 + i, payload: `{"n":${i}}` })));
    expect(await repo.setCursor('webhook', 'a', 4, T0)).toBe(true);
    expect(await repo.setCursor('jsonl', 'b', 8, T0)).toBe(true);

    // Instance b (JSONL only): the webhook is delivered by a, whose lease is current.
    expect(await storedDeliveredUpTo(repo, ['jsonl'], T0 + 1000)).toBe(4);
    // A standby of both dispatchers reads the same stored cursors, whatever it saw last.
    expect(await storedDeliveredUpTo(repo, ['jsonl', 'webhook'], T0 + 1000)).toBe(4);
    // A dispatcher configured here but never claimed yet: keep everything.
    expect(await storedDeliveredUpTo(repo, ['jsonl', 'redis-stream'], T0 + 1000)).toBe(0);
    // Once a's lease has lapsed (a is gone, nobody configured the webhook), only JSONL counts.
    expect(await storedDeliveredUpTo(repo, ['jsonl'], T0 + 61_000)).toBe(8);
    // No dispatcher here and no current lease: everything written counts as delivered.
    expect(await storedDeliveredUpTo(repo, [], T0 + 61_000)).toBe(10);

    const clock = new ManualClock(T0 + 2 * DAY);
    const retention = new EventRetention({ repo, clock, days: 1, deliveredUpTo: () => storedDeliveredUpTo(repo, ['jsonl'], T0 + 1000) });
    expect(await retention.prune()).toBe(4);
    expect((await repo.readAfter(0, 100)).map((e) => e.seq)).toEqual([5, 6, 7, 8, 9, 10]);
  });
});
