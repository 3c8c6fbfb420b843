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
    await store.events.setCursor('jsonl', 10, T0);
    await store.events.setCursor('jsonl', 5, T0 + 1);
    expect(await store.events.cursor('jsonl')).toBe(10);

    const dead = { dispatcher: 'webhook', eventId: 'e1', time: T0, failedAt: T0 + 5, attempts: 3, error: 'HTTP 500', payload: '{}' };
    await store.events.addDeadLetters([dead, { ...dead, eventId: 'e2' }], { dispatcher: 'webhook', position: 2, now: T0 });
    expect(await store.events.cursor('webhook')).toBe(2);
    expect(await store.events.deadLetterCounts()).toEqual({ webhook: 2 });
    const page = await store.events.deadLetters({ dispatcher: 'webhook', page: 1, pageSize: 1 });
    expect(page.totalCount).toBe(2);
    expect(page.items).toMatchObject([{ eventId: 'e2', attempts: 3, error: 'HTTP 500' }]);

    expect(await store.events.prune({ before: T0 + 20, upTo: 30, limit: 100, deadLettersBefore: T0 + 6 })).toEqual({ events: 20, deadLetters: 2 });
    expect(await store.events.storedCount()).toBe(20);
    // Seq numbers are never reused after pruning.
    expect(await store.events.append([{ writtenAt: T0 + 100, payload: '{}' }])).toBe(41);
  });
});
