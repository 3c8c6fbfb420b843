import { expect, it } from 'vitest';
import { describeEachStore } from './store-matrix.ts';
import { sampleProject, withOneKey, sampleToken, T0 } from './test-support.ts';

const HOUR = 3_600_000;
const DAY = 86_400_000;

describeEachStore('usage repository', (tempStore) => {
  it('counts requests since an hour and sums usage per token and day', async () => {
    const store = await tempStore();
    const project = await store.projects.create(...withOneKey(sampleProject()));
    const a = await store.tokens.create(sampleToken(project.id));
    const b = await store.tokens.create(sampleToken(project.id));
    const delta = { requests: 2, promptTokens: 10, completionTokens: 20, cacheHits: 1 };
    await store.tokens.addUsage([
      { tokenId: a.id, ...delta, lastUsedAt: T0 + 10 },
      { tokenId: b.id, ...delta, lastUsedAt: T0 + 2 * HOUR },
    ]);
    await store.tokens.addUsage([{ tokenId: a.id, ...delta, lastUsedAt: T0 + DAY + 5 }]);

    expect(await store.usage.requestsSince(T0)).toBe(6);
    expect(await store.usage.requestsSince(T0 + HOUR + 1)).toBe(4);
    expect(await store.usage.requestsSince(T0 + 2 * DAY)).toBe(0);

    const rows = await store.usage.daily({ groupBy: 'token', from: T0, to: T0 + 2 * DAY, offsetMs: 0 });
    const day0 = T0 / DAY;
    const sorted = [...rows].sort((x, y) => x.day - y.day || (x.key < y.key ? -1 : 1));
    expect(sorted).toEqual(
      [
        { key: a.id, day: day0, requests: 2, promptTokens: 10, completionTokens: 20, cacheHits: 1 },
        { key: b.id, day: day0, requests: 2, promptTokens: 10, completionTokens: 20, cacheHits: 1 },
        { key: a.id, day: day0 + 1, requests: 2, promptTokens: 10, completionTokens: 20, cacheHits: 1 },
      ].sort((x, y) => x.day - y.day || (x.key < y.key ? -1 : 1)),
    );
    const byProject = await store.usage.daily({ groupBy: 'project', from: T0, to: T0 + DAY, offsetMs: 0, projectId: project.id });
    expect(byProject).toEqual([{ key: project.id, day: day0, requests: 4, promptTokens: 20, completionTokens: 40, cacheHits: 2 }]);
    const shifted = await store.usage.daily({ groupBy: 'token', from: T0, to: T0 + DAY, offsetMs: -HOUR, tokenId: a.id });
    expect(shifted.map((r) => r.day)).toEqual([day0 - 1]);
  });
});

describeEachStore('event repository', (tempStore) => {
  it('appends, reads in order, keeps cursors monotonic, stores dead letters and prunes', async () => {
    const store = await tempStore();
    expect(await store.events.lastSeq()).toBe(0);
    expect(await store.events.append([])).toBe(0);
    const events = Array.from({ length: 40 }, (_, i) => ({ writtenAt: T0 + i, payload: `{"n":${i}}` }));
    expect(await store.events.append(events)).toBe(40);
    expect(await store.events.lastSeq()).toBe(40);
    expect(await store.events.storedCount()).toBe(40);
    const read = await store.events.readAfter(35, 10);
    expect(read).toEqual([36, 37, 38, 39, 40].map((seq) => ({ seq, writtenAt: T0 + seq - 1, payload: `{"n":${seq - 1}}` })));
    expect(await store.events.oldestAfter(39)).toBe(T0 + 39);
    expect(await store.events.oldestAfter(40)).toBeNull();

    expect(await store.events.cursor('jsonl')).toBeNull();
    expect(await store.events.claimCursor('jsonl', 'a', T0, 1000)).toEqual({ owned: true, position: 40 });
    await store.events.append([{ writtenAt: T0 + 50, payload: '{}' }]);
    expect(await store.events.setCursor('jsonl', 'a', 41, T0)).toBe(true);
    expect(await store.events.setCursor('jsonl', 'a', 5, T0 + 1)).toBe(true); // never back
    expect(await store.events.cursor('jsonl')).toBe(41);

    const dead = { dispatcher: 'webhook', eventId: 'e1', time: T0, failedAt: T0 + 5, attempts: 3, error: 'HTTP 500', payload: '{}' };
    expect(await store.events.claimCursor('webhook', 'a', T0, 1000)).toEqual({ owned: true, position: 41 });
    expect(await store.events.addDeadLetters([dead, { ...dead, eventId: 'e2' }], { dispatcher: 'webhook', owner: 'a', position: 41, now: T0 })).toBe(true);
    expect(await store.events.cursor('webhook')).toBe(41);
    expect(await store.events.deadLetterCounts()).toEqual({ webhook: 2 });
    const page = await store.events.deadLetters({ dispatcher: 'webhook', page: 1, pageSize: 1 });
    expect(page.totalCount).toBe(2);
    expect(page.items).toMatchObject([{ eventId: 'e2', attempts: 3, error: 'HTTP 500' }]);

    expect(await store.events.prune({ before: T0 + 20, upTo: 30, limit: 100, deadLettersBefore: T0 + 6 })).toEqual({ events: 20, deadLetters: 2 });
    expect(await store.events.storedCount()).toBe(21);
    // Seq numbers are never reused after pruning.
    expect(await store.events.append([{ writtenAt: T0 + 100, payload: '{}' }])).toBe(42);
  });

  it('leases a cursor to one owner at a time: refused while held, taken once lapsed or released', async () => {
    const store = await tempStore();
    await store.events.append(Array.from({ length: 10 }, (_, i) => ({ writtenAt: T0 + i, payload: `{"n":${i}}` })));
    // The first claim creates the cursor at the current end and takes the lease.
    expect(await store.events.claimCursor('webhook', 'a', T0, 1000)).toEqual({ owned: true, position: 10 });
    // A foreign lease is refused, with the stored position; renewing our own works.
    expect(await store.events.claimCursor('webhook', 'b', T0 + 500, 1000)).toEqual({ owned: false, position: 10 });
    expect(await store.events.claimCursor('webhook', 'a', T0 + 900, 1000)).toEqual({ owned: true, position: 10 });
    expect(await store.events.claimCursor('webhook', 'b', T0 + 1500, 1000)).toEqual({ owned: false, position: 10 }); // renewed to T0 + 1900
    expect(await store.events.setCursor('webhook', 'b', 3, T0 + 1500)).toBe(false);
    await store.events.append([{ writtenAt: T0 + 20, payload: '{}' }]);
    expect(await store.events.setCursor('webhook', 'a', 11, T0 + 1600)).toBe(true);
    expect(await store.events.cursors()).toEqual([{ dispatcher: 'webhook', position: 11, updatedAt: T0 + 1600, leaseOwner: 'a', leaseUntil: T0 + 1900 }]);

    // a stalls past its lease: b takes over where a acknowledged; a can no longer move the cursor either way.
    expect(await store.events.claimCursor('webhook', 'b', T0 + 1901, 1000)).toEqual({ owned: true, position: 11 });
    expect(await store.events.setCursor('webhook', 'a', 12, T0 + 1902)).toBe(false);
    const dead = { dispatcher: 'webhook', eventId: 'e1', time: T0, failedAt: T0, attempts: 3, error: 'HTTP 500', payload: '{}' };
    expect(await store.events.addDeadLetters([dead], { dispatcher: 'webhook', owner: 'a', position: 12, now: T0 + 1902 })).toBe(false);
    expect(await store.events.deadLetterCounts()).toEqual({}); // nothing stored by the refused step
    expect(await store.events.claimCursor('webhook', 'a', T0 + 1903, 1000)).toEqual({ owned: false, position: 11 });
    expect(await store.events.cursor('webhook')).toBe(11);
    expect(await store.events.addDeadLetters([dead], { dispatcher: 'webhook', owner: 'b', position: 12, now: T0 + 1904 })).toBe(true);
    expect(await store.events.cursor('webhook')).toBe(12);

    // Releasing: only the holder can; then anyone takes it at once, long before it would lapse.
    await store.events.releaseCursor('webhook', 'a');
    expect(await store.events.claimCursor('webhook', 'a', T0 + 2000, 1000)).toEqual({ owned: false, position: 12 });
    await store.events.releaseCursor('webhook', 'b');
    expect(await store.events.setCursor('webhook', 'b', 12, T0 + 2001)).toBe(false); // released: nobody moves it
    expect(await store.events.claimCursor('webhook', 'a', T0 + 2002, 1000)).toEqual({ owned: true, position: 12 });
    expect(await store.events.cursors()).toMatchObject([{ dispatcher: 'webhook', position: 12, leaseOwner: 'a', leaseUntil: T0 + 3002 }]);
    // Other dispatchers have their own lease.
    expect(await store.events.claimCursor('jsonl', 'b', T0 + 2003, 1000)).toEqual({ owned: true, position: 11 });
  });

  it('grants a contended lease to exactly one of many concurrent claims', async () => {
    const store = await tempStore();
    const owners = Array.from({ length: 12 }, (_, i) => `owner-${i}`);
    const results = await Promise.all(owners.map((owner) => store.events.claimCursor('redis-stream', owner, T0, 60_000)));
    expect(results.filter((r) => r.owned)).toHaveLength(1);
    const holder = owners[results.findIndex((r) => r.owned)];
    expect((await store.events.cursors())[0]).toMatchObject({ dispatcher: 'redis-stream', position: 0, leaseOwner: holder });
  });
});
