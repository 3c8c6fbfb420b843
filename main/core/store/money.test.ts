// The store's money side on both databases: spend per token, hour and model; budget reservations that never
// pass a token's lifetime budget or a project's monthly one, start from what was spent, and take debts.
import { expect, it } from 'vitest';
import { budgetSubject, utcMonth } from './money-types.ts';
import { describeEachStore, type OpenTestStore } from './store-matrix.ts';
import { sampleProject, sampleToken, T0, withOneKey } from './test-support.ts';

const HOUR = 3_600_000;
const USD = 1_000_000_000;

async function setUp(open: OpenTestStore, opts: { maxBudgetUsd?: number | null; monthlyBudgetUsd?: number | null } = {}) {
  const store = await open();
  const project = await store.projects.create(...withOneKey(sampleProject({ monthlyBudgetUsd: opts.monthlyBudgetUsd ?? null })));
  const token = await store.tokens.create(sampleToken(project.id, { maxBudgetUsd: opts.maxBudgetUsd ?? null }));
  return { store, project, token };
}

describeEachStore('money', (open) => {
  it('adds spend to the token and to its hour and model buckets', async () => {
    const { store, project, token } = await setUp(open);
    await store.money.addSpend([
      { tokenId: token.id, model: 'gpt-4o-mini', nanos: 1_500, unpriced: 0, at: T0 },
      { tokenId: token.id, model: 'gpt-4o', nanos: 20_000, unpriced: 0, at: T0 + 1 },
    ]);
    await store.money.addSpend([{ tokenId: token.id, model: 'gpt-4o-mini', nanos: 500, unpriced: 0, at: T0 + 2 * HOUR }]);
    expect((await store.tokens.get(token.id))!.spendNanos).toBe(22_000);
    const totals = await store.money.spendTotals();
    expect(totals.sort((a, b) => a.model.localeCompare(b.model))).toEqual([
      { projectId: project.id, model: 'gpt-4o', nanos: 20_000 },
      { projectId: project.id, model: 'gpt-4o-mini', nanos: 2_000 },
    ]);
    const monthFrom = Date.UTC(new Date(T0).getUTCFullYear(), new Date(T0).getUTCMonth(), 1);
    expect((await store.money.projectSpend(monthFrom, monthFrom + 31 * 24 * HOUR)).get(project.id)).toEqual({ totalNanos: 22_000, monthNanos: 22_000 });
    expect((await store.money.projectSpend(0, 1)).get(project.id)).toEqual({ totalNanos: 22_000, monthNanos: 0 });
    const day = Math.floor(T0 / (24 * HOUR));
    const daily = await store.money.dailySpend({ groupBy: 'token', from: T0 - 48 * HOUR, to: T0 + 48 * HOUR, offsetMs: 0 });
    const mini = daily.filter((r) => r.model === 'gpt-4o-mini').reduce((n, r) => n + r.nanos, 0);
    expect(mini).toBe(2_000);
    expect(daily.every((r) => r.key === token.id && Math.abs(r.day - day) <= 1)).toBe(true);
  });

  it('counts unpriced answers per day and model without adding them to spend', async () => {
    const { store, project, token } = await setUp(open);
    await store.money.addSpend([
      { tokenId: token.id, model: 'llama3', nanos: 0, unpriced: 2, at: T0 },
      { tokenId: token.id, model: 'gpt-4o', nanos: 7_000, unpriced: 0, at: T0 },
    ]);
    await store.money.addSpend([{ tokenId: token.id, model: 'llama3', nanos: 0, unpriced: 3, at: T0 + 1 }]);
    expect((await store.tokens.get(token.id))!.spendNanos).toBe(7_000);
    const daily = await store.money.dailySpend({ groupBy: 'project', from: T0 - HOUR, to: T0 + HOUR, offsetMs: 0, projectId: project.id });
    const byModel = Object.fromEntries(daily.map((r) => [r.model, { nanos: r.nanos, unpriced: r.unpriced, key: r.key }]));
    expect(byModel).toEqual({ llama3: { nanos: 0, unpriced: 5, key: project.id }, 'gpt-4o': { nanos: 7_000, unpriced: 0, key: project.id } });
  });

  it("never grants more than a token's budget to concurrent reservations, and nothing without a token", async () => {
    const { store, token } = await setUp(open, { maxBudgetUsd: 1 });
    const subject = budgetSubject.token(token.id);
    const grants = await Promise.all(Array.from({ length: 80 }, () => store.money.reserveBudget(subject, 100_000_000)));
    expect(grants.reduce((a, b) => a + b, 0)).toBe(USD);
    expect(await store.money.reserveBudget(subject, 1)).toBe(0);
    expect(await store.money.reserveBudget(budgetSubject.token('no-such-token'), 1)).toBe(0);
  });

  it('starts from what was spent, takes back releases, and counts a debt (spend past the reservation)', async () => {
    const { store, token } = await setUp(open, { maxBudgetUsd: 1 });
    const subject = budgetSubject.token(token.id);
    await store.money.addSpend([{ tokenId: token.id, model: 'm', nanos: 900_000_000, unpriced: 0, at: T0 }]);
    expect(await store.money.reserveBudget(subject, USD)).toBe(50_000_000); // half of what is left
    await store.money.releaseBudget([{ subject, amount: 50_000_000 }]);
    await store.money.releaseBudget([{ subject, amount: -80_000_000 }]); // spent 0.08 past what it held
    expect(await store.money.reserveBudget(subject, USD)).toBe(10_000_000);
  });

  it('a token without a budget is granted what it asks, nothing written', async () => {
    const { store, token } = await setUp(open);
    expect(await store.money.reserveBudget(budgetSubject.token(token.id), 123)).toBe(123);
  });

  it("holds a project's monthly budget per UTC month, from the month's spend", async () => {
    const { store, project, token } = await setUp(open, { monthlyBudgetUsd: 2 });
    const month = utcMonth(T0);
    await store.money.addSpend([{ tokenId: token.id, model: 'm', nanos: 1_500_000_000, unpriced: 0, at: T0 }]);
    const subject = budgetSubject.project(project.id, month);
    const grants = await Promise.all(Array.from({ length: 80 }, () => store.money.reserveBudget(subject, 100_000_000)));
    expect(grants.reduce((a, b) => a + b, 0)).toBe(500_000_000);
    expect(await store.money.reserveBudget(subject, 1)).toBe(0);
    // Another month starts afresh.
    expect(await store.money.reserveBudget(budgetSubject.project(project.id, '2001-01'), 100_000_000)).toBe(100_000_000);
    await store.money.releaseBudget([{ subject, amount: 200_000_000 }]);
    expect(await store.money.reserveBudget(subject, USD)).toBe(100_000_000);
  });
});
