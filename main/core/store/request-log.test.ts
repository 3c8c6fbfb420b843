import { expect, it } from 'vitest';
import { describeEachStore } from './store-matrix.ts';
import { T0 } from './test-support.ts';
import type { RequestLogQuery } from './types.ts';

const P1 = '00000000-0000-4000-8000-000000000001';
const P2 = '00000000-0000-4000-8000-000000000002';
const TA = '00000000-0000-4000-8000-00000000000a';
const TB = '00000000-0000-4000-8000-00000000000b';

/** Eight events a minute apart: two projects, two tokens, two models, statuses 200/429/500, one refused without a token. */
const events = [
  { token_id: TA, project_id: P1, model: 'gpt-4o-mini', status: 200 },
  { token_id: TA, project_id: P1, model: 'gpt-4o', status: 200 },
  { token_id: TB, project_id: P1, model: 'gpt-4o-mini', status: 429 },
  { token_id: TA, project_id: P1, model: 'gpt-4o-mini', status: 500 },
  { token_id: null, project_id: null, model: null, status: 401 },
  { token_id: TB, project_id: P2, model: 'gpt-4o-mini', status: 200 },
  { token_id: TA, project_id: P1, model: 'gpt-4o-mini', status: 200 },
  { token_id: TB, project_id: P2, model: 'gpt-4o', status: 200 },
].map((e, i) => ({ n: i, id: `e${i}`, time: new Date(T0 + i * 60_000).toISOString(), ...e }));

const numbersOf = (page: { items: { payload: string }[] }) => page.items.map((item) => (JSON.parse(item.payload) as { n: number }).n);

describeEachStore('request log', (tempStore, kind) => {
  it('filters stored events by token, project, model, status and time, newest first, with the total', async () => {
    const store = await tempStore();
    // Written out of time order: the log sorts by the request's time, not by when it was stored.
    const shuffled = [3, 0, 7, 1, 5, 2, 6, 4].map((i) => events[i]!);
    await store.events.append(shuffled.map((e) => ({ writtenAt: T0 + 1000, payload: JSON.stringify(e) })));
    const list = (query: Partial<RequestLogQuery>) => store.events.requestLog({ page: 1, pageSize: 50, ...query });

    const all = await list({});
    expect(numbersOf(all)).toEqual([7, 6, 5, 4, 3, 2, 1, 0]);
    expect(all.totalCount).toBe(8);
    expect(numbersOf(await list({ tokenId: TA }))).toEqual([6, 3, 1, 0]);
    expect(numbersOf(await list({ projectId: P2 }))).toEqual([7, 5]);
    expect(numbersOf(await list({ projectIds: [P2] }))).toEqual([7, 5]);
    expect(numbersOf(await list({ projectIds: [] }))).toEqual([]);
    expect(numbersOf(await list({ model: 'gpt-4o' }))).toEqual([7, 1]);
    expect(numbersOf(await list({ status: { min: 429, max: 429 } }))).toEqual([2]);
    expect(numbersOf(await list({ status: { min: 400, max: 499 } }))).toEqual([4, 2]);
    expect(numbersOf(await list({ tokenId: TA, model: 'gpt-4o-mini', status: { min: 200, max: 299 } }))).toEqual([6, 0]);
    // from inclusive, to exclusive
    expect(numbersOf(await list({ from: T0 + 2 * 60_000, to: T0 + 5 * 60_000 }))).toEqual([4, 3, 2]);

    const second = await list({ pageSize: 3, page: 2 });
    expect(numbersOf(second)).toEqual([4, 3, 2]);
    expect(second.totalCount).toBe(8);
    const past = await list({ pageSize: 3, page: 4 });
    expect(past.items).toEqual([]);
    expect(past.totalCount).toBe(8);
  });

  // PostgreSQL's planner rightly scans a table this small sequentially, so only SQLite's plan is checked.
  it.skipIf(kind !== 'sqlite')("reads a token's page through its index (SQLite plan)", async () => {
    const store = await tempStore();
    await store.events.append(events.map((e) => ({ writtenAt: T0, payload: JSON.stringify(e) })));
    const plan = (sql: string) =>
      (store as unknown as { db: { prepare(sql: string): { all(...p: unknown[]): { detail: string }[] } } }).db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(TA);
    expect(
      plan('SELECT seq FROM events_outbox WHERE token_id = ? ORDER BY time DESC, seq DESC LIMIT 50')
        .map((r) => r.detail)
        .join(' '),
    ).toContain('events_outbox_token_idx');
  });
});
