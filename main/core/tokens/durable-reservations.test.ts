// DurableReservations over a real SQLite store (tokens.reserveRequests / releaseRequests): one reservation
// in flight per subject, blocks handed out exactly, unused units given back on close, when idle and when
// the limit changes, and a refusal believed for `recheckMs`.
import { afterEach, describe, expect, it } from 'vitest';
import type { SqliteStore } from '../store/sqlite.ts';
import { sampleProject, sampleToken, tempStore, withOneKey } from '../store/test-support.ts';
import { DurableReservations, type ReservationStore } from './durable-reservations.ts';

let store: SqliteStore;
afterEach(() => store?.close());

async function setUp(maxRequests: number, opts: { block?: number; failReserve?: boolean } = {}) {
  store = await tempStore();
  const project = await store.projects.create(...withOneKey(sampleProject()));
  const token = await store.tokens.create(sampleToken(project.id, { maxRequests }));
  const clock = { t: 1_000, now: () => clock.t };
  const calls = { reserve: 0, release: 0 };
  const port: ReservationStore = {
    reserve: async (subject, want) => {
      calls.reserve++;
      if (opts.failReserve) throw new Error('store down');
      return store.tokens.reserveRequests(subject, want);
    },
    release: async (releases) => {
      calls.release++;
      await store.tokens.releaseRequests(releases.map((r) => ({ tokenId: r.subject, amount: r.amount })));
    },
  };
  const reservations = new DurableReservations({ store: port, block: opts.block ?? 10, clock, recheckMs: 1_000, idleReleaseMs: 10_000 });
  const reserved = () => store.db.prepare('SELECT quota_reserved FROM tokens WHERE id = ?').pluck().get(token.id) as number;
  return { token, clock, calls, reservations, reserved };
}

describe('durable reservations', () => {
  it('admits exactly the limit to concurrent takes, one reservation in flight at a time', async () => {
    const { token, calls, reservations, reserved } = await setUp(25);
    const taken = await Promise.all(Array.from({ length: 40 }, () => reservations.take(token.id)));
    expect(taken.filter(Boolean)).toHaveLength(25);
    expect(reserved()).toBe(25);
    // Grants of 10, 7, 4, 2, 1, 1 and the refusal: waiters share a reservation instead of each asking.
    expect(calls.reserve).toBe(7);
    expect(reservations.spent(token.id)).toBe(true);
    await reservations.close();
  });

  it('writes the block before handing any of it out, and gives the unused part back on close', async () => {
    const { token, reservations, reserved } = await setUp(100);
    expect(await reservations.take(token.id)).toBe(true);
    expect(reserved()).toBe(10);
    for (let i = 0; i < 2; i++) expect(await reservations.take(token.id)).toBe(true);
    await reservations.close();
    expect(reserved()).toBe(3);
    expect(await reservations.take(token.id)).toBe(false);
  });

  it('gives back what an idle subject holds, and what a changed limit held', async () => {
    const { token, clock, reservations, reserved } = await setUp(100);
    await reservations.take(token.id);
    await reservations.releaseIdle();
    expect(reserved()).toBe(10); // used just now: kept
    clock.t += 10_000;
    await reservations.releaseIdle();
    expect(reserved()).toBe(1);

    await reservations.take(token.id);
    expect(reserved()).toBe(11);
    reservations.forget(token.id);
    await expect.poll(reserved).toBe(2);
    await reservations.close();
  });

  it('believes a refusal for recheckMs, then asks the store again; forget() asks at once', async () => {
    const { token, clock, calls, reservations } = await setUp(1, { block: 5 });
    expect(await reservations.take(token.id)).toBe(true);
    expect(await reservations.take(token.id)).toBe(false);
    const asked = calls.reserve;
    expect(await reservations.take(token.id)).toBe(false);
    expect(calls.reserve).toBe(asked);
    clock.t += 1_000;
    expect(reservations.spent(token.id)).toBe(false);
    expect(await reservations.take(token.id)).toBe(false);
    expect(calls.reserve).toBe(asked + 1);
    reservations.forget(token.id);
    expect(reservations.spent(token.id)).toBe(false);
    await reservations.close();
  });

  it('fails the take when the store fails, without believing the limit spent', async () => {
    const { token, reservations } = await setUp(10, { failReserve: true });
    await expect(reservations.take(token.id)).rejects.toThrow('store down');
    expect(reservations.spent(token.id)).toBe(false);
    await reservations.close();
  });
});
