// Usage flushes commit with synchronous = NORMAL (no fsync); everything else on the main connection
// keeps FULL, also after a flush that failed.
import { afterEach, describe, expect, it } from 'vitest';
import type { SqliteStore } from './sqlite.ts';
import { withoutFsync } from './sqlite-no-fsync.ts';
import { sampleProject, sampleToken, T0, tempStore, withOneKey } from './test-support.ts';

let store: SqliteStore;
afterEach(() => store?.close());

const synchronous = () => store.db.pragma('synchronous', { simple: true });

describe('withoutFsync', () => {
  it('runs the write at NORMAL and restores FULL, also when it throws', async () => {
    store = await tempStore();
    expect(withoutFsync(store.db, synchronous)).toBe(1);
    expect(synchronous()).toBe(2);
    expect(() =>
      withoutFsync(store.db, () => {
        throw new Error('disk full');
      }),
    ).toThrow('disk full');
    expect(synchronous()).toBe(2);
  });

  it('is how token and key usage are flushed, leaving the connection at FULL', async () => {
    store = await tempStore();
    const project = await store.projects.create(...withOneKey(sampleProject()));
    const token = await store.tokens.create(sampleToken(project.id));
    const [key] = await store.upstreamKeys.listForProject(project.id);
    let seen: unknown[] = [];
    const pragma = store.db.pragma.bind(store.db);
    store.db.pragma = ((source: string, options?: object) => {
      seen.push(source);
      return pragma(source, options);
    }) as typeof store.db.pragma;
    await store.tokens.addUsage([{ tokenId: token.id, requests: 1, promptTokens: 2, completionTokens: 3, cacheHits: 0, lastUsedAt: T0 + 1 }]);
    expect(seen).toEqual(['synchronous = NORMAL', 'synchronous = FULL']);
    seen = [];
    await store.upstreamKeys.addUsage([
      { keyId: key!.id, requests: 1, failures: 0, promptTokens: 1, completionTokens: 1, lastUsedAt: T0 + 2, lastError: null },
    ]);
    expect(seen).toEqual(['synchronous = NORMAL', 'synchronous = FULL']);
    expect(synchronous()).toBe(2);
    expect((await store.tokens.get(token.id))?.requestCount).toBe(1);
  });
});
