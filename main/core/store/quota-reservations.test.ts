// Durable quota reservations in the store (tokens.reserveRequests / releaseRequests), on both databases:
// grants never pass max_requests, shrink near the end, start from the used count, and come back on release.
import { expect, it } from 'vitest';
import { reservationGrant } from './quota-reservations.ts';
import { describeEachStore, type OpenTestStore } from './store-matrix.ts';
import { sampleProject, sampleToken, T0, withOneKey } from './test-support.ts';

async function tokenWithQuota(tempStore: OpenTestStore, maxRequests: number | null) {
  const store = await tempStore();
  const project = await store.projects.create(...withOneKey(sampleProject()));
  const token = await store.tokens.create(sampleToken(project.id, { maxRequests }));
  return { store, token };
}

it('grants the whole block while plenty is left, at most half of what is left near the end', () => {
  expect(reservationGrant(10, 150, 0)).toBe(10);
  expect(reservationGrant(10, 150, 130)).toBe(10);
  expect(reservationGrant(10, 150, 140)).toBe(5);
  expect(reservationGrant(10, 150, 149)).toBe(1);
  expect(reservationGrant(10, 150, 150)).toBe(0);
  expect(reservationGrant(10, 150, 170)).toBe(0);
});

describeEachStore('quota reservations', (tempStore) => {
  it('never grants more than max_requests to concurrent reservations', async () => {
    const { store, token } = await tokenWithQuota(tempStore, 100);
    const grants = await Promise.all(Array.from({ length: 40 }, () => store.tokens.reserveRequests(token.id, 10)));
    expect(grants.reduce((a, b) => a + b, 0)).toBe(100);
    expect(await store.tokens.reserveRequests(token.id, 10)).toBe(0);
    // The reservation is bookkeeping: the token's used count and its row as the API sees it are unchanged.
    expect(await store.tokens.get(token.id)).toEqual(token);
  });

  it('shrinks grants near the end, so instances sharing a quota hold little of it unused', async () => {
    const { store, token } = await tokenWithQuota(tempStore, 25);
    const grants: number[] = [];
    for (let i = 0; i < 7; i++) grants.push(await store.tokens.reserveRequests(token.id, 10));
    expect(grants).toEqual([10, 7, 4, 2, 1, 1, 0]);
  });

  it('starts from the used count when it is behind, and reserves released requests again', async () => {
    const { store, token } = await tokenWithQuota(tempStore, 40);
    // Used while the token had no quota: nothing was reserved for those 30 requests.
    await store.tokens.addUsage([{ tokenId: token.id, requests: 30, promptTokens: 0, completionTokens: 0, cacheHits: 0, lastUsedAt: T0 }]);
    expect(await store.tokens.reserveRequests(token.id, 10)).toBe(5);
    await store.tokens.releaseRequests([{ tokenId: token.id, amount: 5 }]);
    expect(await store.tokens.reserveRequests(token.id, 10)).toBe(5);
    // Giving back more than is reserved stops at zero; the used count still bounds the next grant.
    await store.tokens.releaseRequests([
      { tokenId: token.id, amount: 1000 },
      { tokenId: 'missing', amount: 1 },
    ]);
    expect(await store.tokens.reserveRequests(token.id, 10)).toBe(5);
    await store.tokens.releaseRequests([]);
  });

  it('grants a token without a quota what it asks, and a missing token nothing', async () => {
    const { store, token } = await tokenWithQuota(tempStore, null);
    expect(await store.tokens.reserveRequests(token.id, 10)).toBe(10);
    expect(await store.tokens.reserveRequests('missing', 10)).toBe(0);
    // A quota set later counts from what was used, not from those grants.
    await store.tokens.update(token.id, { maxRequests: 3 }, T0 + 1);
    expect(await store.tokens.reserveRequests(token.id, 10)).toBe(1);
  });
});
