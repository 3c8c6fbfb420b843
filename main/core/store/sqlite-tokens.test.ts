import { expect, it } from 'vitest';
import { sampleProject, withOneKey, sampleToken, T0 } from './test-support.ts';
import { describeEachStore, type OpenTestStore } from './store-matrix.ts';

async function storeWithProject(tempStore: OpenTestStore) {
  const store = await tempStore();
  const project = await store.projects.create(...withOneKey(sampleProject()));
  return { store, project };
}

describeEachStore('token repository', (tempStore) => {
  it('creates a token and finds it by id and by hash', async () => {
    const { store, project } = await storeWithProject(tempStore);
    const token = await store.tokens.create(sampleToken(project.id, { name: 'ci', tokenHash: 'h1', maxRequests: 10, allowedModels: ['gpt-4o*'] }));

    expect(token).toMatchObject({
      name: 'ci',
      maxRequests: 10,
      allowedModels: ['gpt-4o*'],
      requestCount: 0,
      promptTokens: 0,
      completionTokens: 0,
      cacheHitCount: 0,
      updatedAt: T0,
      lastUsedAt: null,
      revokedAt: null,
    });
    expect(await store.tokens.get(token.id)).toEqual(token);
    expect(await store.tokens.getByHash('h1')).toEqual(token);
    expect(await store.tokens.getByHash('h2')).toBeNull();
  });

  it('refuses a token for an unknown project with project_not_found', async () => {
    const store = await tempStore();
    await expect(store.tokens.create(sampleToken('missing'))).rejects.toMatchObject({ code: 'project_not_found' });
  });

  it('lists by project, newest first, and activeOnly drops inactive and expired tokens', async () => {
    const { store, project } = await storeWithProject(tempStore);
    const other = await store.projects.create(...withOneKey(sampleProject()));
    const live = await store.tokens.create(sampleToken(project.id, { createdAt: T0 + 2, expiresAt: T0 + 100 }));
    const expired = await store.tokens.create(sampleToken(project.id, { createdAt: T0 + 1, expiresAt: T0 + 50 }));
    const off = await store.tokens.create(sampleToken(project.id, { createdAt: T0 + 3, isActive: false }));
    const elsewhere = await store.tokens.create(sampleToken(other.id));

    const ids = async (filter: Parameters<typeof store.tokens.list>[0]) => (await store.tokens.list(filter)).map((t) => t.id);
    expect(await ids({ projectId: project.id, now: T0 + 50 })).toEqual([off.id, live.id, expired.id]);
    expect(await ids({ projectId: project.id, activeOnly: true, now: T0 + 50 })).toEqual([live.id]);
    expect(await ids({ activeOnly: true, now: T0 + 10 })).toEqual([live.id, expired.id, elsewhere.id]);
    expect(await ids({ now: T0 })).toHaveLength(4);
  });

  it('updates only the given fields', async () => {
    const { store, project } = await storeWithProject(tempStore);
    const token = await store.tokens.create(sampleToken(project.id, { allowedModels: ['a'] }));

    const updated = await store.tokens.update(token.id, { allowedModels: null, maxRequests: 5, name: undefined }, T0 + 9);
    expect(updated).toEqual({ ...token, allowedModels: null, maxRequests: 5, updatedAt: T0 + 9 });
    expect(await store.tokens.get(token.id)).toEqual(updated);
    expect(await store.tokens.update('missing', { isActive: false }, T0)).toBeNull();
  });

  it('revokes every active token of one project and reports the counts', async () => {
    const { store, project } = await storeWithProject(tempStore);
    const other = await store.projects.create(...withOneKey(sampleProject()));
    const a = await store.tokens.create(sampleToken(project.id));
    await store.tokens.create(sampleToken(project.id));
    await store.tokens.create(sampleToken(project.id, { isActive: false }));
    const untouched = await store.tokens.create(sampleToken(other.id));

    expect(await store.tokens.revokeAllForProject(project.id, T0 + 7)).toEqual({ revoked: 2, alreadyRevoked: 1, total: 3 });
    expect(await store.tokens.get(a.id)).toMatchObject({ isActive: false, revokedAt: T0 + 7, updatedAt: T0 + 7 });
    expect(await store.tokens.get(untouched.id)).toEqual(untouched);
    expect(await store.tokens.revokeAllForProject(project.id, T0 + 8)).toEqual({ revoked: 0, alreadyRevoked: 3, total: 3 });
    expect(await store.tokens.revokeAllForProject('missing', T0)).toEqual({ revoked: 0, alreadyRevoked: 0, total: 0 });
  });

  it('adds usage deltas and keeps the latest last-used time', async () => {
    const { store, project } = await storeWithProject(tempStore);
    const a = await store.tokens.create(sampleToken(project.id));
    const b = await store.tokens.create(sampleToken(project.id));
    const delta = { requests: 2, promptTokens: 10, completionTokens: 20, cacheHits: 1 };

    await store.tokens.addUsage([
      { tokenId: a.id, ...delta, lastUsedAt: T0 + 50 },
      { tokenId: b.id, ...delta, lastUsedAt: T0 + 10 },
      { tokenId: 'unknown', ...delta, lastUsedAt: T0 },
    ]);
    await store.tokens.addUsage([{ tokenId: a.id, ...delta, lastUsedAt: T0 + 20 }]);
    await store.tokens.addUsage([]);

    expect(await store.tokens.get(a.id)).toMatchObject({
      requestCount: 4,
      promptTokens: 20,
      completionTokens: 40,
      cacheHitCount: 2,
      lastUsedAt: T0 + 50,
    });
    expect(await store.tokens.get(b.id)).toMatchObject({ requestCount: 2, lastUsedAt: T0 + 10 });
  });

  it('stores rate limits (absent = null) and changes them, null included', async () => {
    const { store, project } = await storeWithProject(tempStore);
    const plain = await store.tokens.create(sampleToken(project.id));
    expect(plain).toMatchObject({ rpmLimit: null, tpmLimit: null, maxConcurrent: null });
    const limited = await store.tokens.create(sampleToken(project.id, { rpmLimit: 60, tpmLimit: 20_000, maxConcurrent: 2 }));
    expect(await store.tokens.get(limited.id)).toMatchObject({ rpmLimit: 60, tpmLimit: 20_000, maxConcurrent: 2 });
    const changed = await store.tokens.update(limited.id, { rpmLimit: 0, tpmLimit: null, maxConcurrent: undefined }, T0 + 1);
    expect(changed).toMatchObject({ rpmLimit: 0, tpmLimit: null, maxConcurrent: 2 });
  });
});
