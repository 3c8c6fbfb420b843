import { expect, it } from 'vitest';
import { escapeLike } from './sqlite-audit.ts';
import { sampleAudit, T0 } from './test-support.ts';
import { describeEachStore } from './store-matrix.ts';
import type { AuditQuery } from './types.ts';

const page1 = { page: 1, pageSize: 50 };

describeEachStore('audit repository', (tempStore) => {
  it('appends events and reads one back', async () => {
    const store = await tempStore();
    const event = sampleAudit({ targetType: 'token', targetId: 't1', clientIp: '127.0.0.1', details: { n: 1, tags: ['x'] } });
    await store.audit.append([event]);
    await store.audit.append([]);
    expect(await store.audit.get(event.id)).toEqual(event);
    expect(await store.audit.get('missing')).toBeNull();
  });

  it('filters by action, outcome, project, token and an inclusive time range', async () => {
    const store = await tempStore();
    const a = sampleAudit({ time: T0 + 1, action: 'token.create', projectId: 'p1' });
    const b = sampleAudit({ time: T0 + 2, action: 'token.revoke', outcome: 'failure', projectId: 'p1', tokenId: 't1' });
    const c = sampleAudit({ time: T0 + 3, action: 'proxy.request', outcome: 'denied', projectId: 'p2', tokenId: 't2' });
    await store.audit.append([a, b, c]);
    const ids = async (q: Partial<AuditQuery>) => (await store.audit.query({ ...page1, ...q })).items.map((e) => e.id);

    expect(await ids({})).toEqual([c.id, b.id, a.id]);
    expect(await ids({ action: 'token.create' })).toEqual([a.id]);
    expect(await ids({ action: 'token' })).toEqual([]);
    expect(await ids({ outcome: 'denied' })).toEqual([c.id]);
    expect(await ids({ projectId: 'p1' })).toEqual([b.id, a.id]);
    expect(await ids({ tokenId: 't1' })).toEqual([b.id]);
    expect(await ids({ from: T0 + 2, to: T0 + 3 })).toEqual([c.id, b.id]);
    expect(await ids({ from: T0 + 1, to: T0 + 1 })).toEqual([a.id]);
    expect(await ids({ projectId: 'p1', outcome: 'success' })).toEqual([a.id]);
  });

  it('searches case-insensitively over action, actor, target id, request id and details', async () => {
    const store = await tempStore();
    const events = [
      sampleAudit({ action: 'Cache.Purge' }),
      sampleAudit({ actor: 'token:ABC' }),
      sampleAudit({ targetId: 'target-xyz' }),
      sampleAudit({ requestId: 'req-123' }),
      sampleAudit({ details: { model: 'GPT-4o-mini' } }),
    ];
    await store.audit.append(events);
    const search = async (text: string) => (await store.audit.query({ ...page1, search: text })).items.map((e) => e.id);

    expect(await search('cache.purge')).toEqual([events[0]!.id]);
    expect(await search('TOKEN:abc')).toEqual([events[1]!.id]);
    expect(await search('XYZ')).toEqual([events[2]!.id]);
    expect(await search('req-12')).toEqual([events[3]!.id]);
    expect(await search('gpt-4O')).toEqual([events[4]!.id]);
    expect(await search('   ')).toHaveLength(5);
  });

  it('matches LIKE wildcards in the search text literally', async () => {
    const store = await tempStore();
    const percent = sampleAudit({ details: { note: '100% done' } });
    const underscore = sampleAudit({ details: { note: 'a_b' } });
    const backslash = sampleAudit({ targetId: 'C:\\temp' });
    const plain = sampleAudit({ details: { note: 'axb 100 done' } });
    await store.audit.append([percent, underscore, backslash, plain]);
    const search = async (text: string) => (await store.audit.query({ ...page1, search: text })).items.map((e) => e.id);

    expect(escapeLike('50%_\\')).toBe('50\\%\\_\\\\');
    expect(await search('%')).toEqual([percent.id]);
    expect(await search('0% d')).toEqual([percent.id]);
    expect(await search('a_b')).toEqual([underscore.id]);
    expect(await search('C:\\t')).toEqual([backslash.id]);
  });

  it('pages newest first (time, then id) and reports the total', async () => {
    const store = await tempStore();
    const events = Array.from({ length: 25 }, (_, i) => sampleAudit({ time: T0 + Math.floor(i / 2) }));
    await store.audit.append(events);
    const expected = [...events].sort((x, y) => y.time - x.time || (y.id < x.id ? -1 : 1)).map((e) => e.id);

    const pages = await Promise.all([1, 2, 3, 4].map((page) => store.audit.query({ page, pageSize: 10 })));
    expect(pages.map((p) => p.totalCount)).toEqual([25, 25, 25, 25]);
    expect(pages.map((p) => p.items.length)).toEqual([10, 10, 5, 0]);
    expect(pages.flatMap((p) => p.items.map((e) => e.id))).toEqual(expected);

    const filtered = await store.audit.query({ page: 1, pageSize: 2, from: T0 + 10 });
    expect(filtered).toMatchObject({ totalCount: 5 });
    expect(filtered.items).toHaveLength(2);
  });

  it('refuses to update or delete an audit row', async () => {
    const store = await tempStore();
    const event = sampleAudit();
    await store.audit.append([event]);

    await expect(store.exec("UPDATE audit_events SET actor = 'x'")).rejects.toThrow(/append-only/);
    await expect(store.exec('DELETE FROM audit_events')).rejects.toThrow(/append-only/);
    expect(await store.audit.get(event.id)).toEqual(event);
  });
});
