// Budgets in USD: a token's lifetime `max_budget_usd` and its project's `monthly_budget_usd` (calendar month,
// UTC). A request is admitted while the spend so far is below both, then refused with budget_exceeded.
// Spend is known only when the answer ends, so admission holds a durably reserved block of each budget
// (../tokens/durable-reservations.ts, as request quotas do) and the answer's cost is charged to it:
// exact across instances, a crash wastes at most one block (1/50 of the budget, never grants extra), and
// requests in flight together may overshoot by what they cost.
import type { Clock } from '../clock.ts';
import { budgetSubject, toBudgetNanos, utcMonth, type MoneyRepository } from '../store/money-types.ts';
import { DurableReservations } from '../tokens/durable-reservations.ts';

/** A reservation takes this part of a budget at most: what a crash can waste of it. */
export const BUDGET_BLOCK_PARTS = 50;
const IDLE_RELEASE_MS = 10_000;

export interface BudgetHolder {
  tokenId: string;
  projectId: string;
  maxBudgetUsd: number | null;
  monthlyBudgetUsd: number | null;
}

/** The budgets one admitted request is charged to. */
export interface BudgetClaim {
  subjects: string[];
}

export type BudgetDecision = { ok: true; claim: BudgetClaim } | { ok: false; budget: 'token' | 'project' };

const blockOf = (usd: number) => Math.max(1, Math.floor(toBudgetNanos(usd) / BUDGET_BLOCK_PARTS));

export class Budgets {
  private readonly reservations: DurableReservations;

  constructor(private readonly deps: { money: MoneyRepository; clock: Clock; recheckMs: number; onError?: (err: unknown) => void }) {
    this.reservations = new DurableReservations({
      store: { reserve: (subject, want) => deps.money.reserveBudget(subject, want), release: (releases) => deps.money.releaseBudget(releases) },
      block: 1,
      clock: deps.clock,
      recheckMs: deps.recheckMs,
      idleReleaseMs: IDLE_RELEASE_MS,
      onError: deps.onError,
    });
  }

  private subjects(h: BudgetHolder): { token: string | null; project: string | null } {
    return {
      token: h.maxBudgetUsd === null ? null : budgetSubject.token(h.tokenId),
      project: h.monthlyBudgetUsd === null ? null : budgetSubject.project(h.projectId, utcMonth(this.deps.clock.now())),
    };
  }

  /** Spent as far as this instance knows (checked before the cache and the rate limits, like quotas). */
  spent(h: BudgetHolder): 'token' | 'project' | null {
    const s = this.subjects(h);
    if (s.token && this.reservations.spent(s.token)) return 'token';
    if (s.project && this.reservations.spent(s.project)) return 'project';
    return null;
  }

  async admit(h: BudgetHolder): Promise<BudgetDecision> {
    const s = this.subjects(h);
    const claim: BudgetClaim = { subjects: [] };
    if (s.token) {
      if (!(await this.reservations.admit(s.token, blockOf(h.maxBudgetUsd!)))) return { ok: false, budget: 'token' };
      claim.subjects.push(s.token);
    }
    if (s.project) {
      if (!(await this.reservations.admit(s.project, blockOf(h.monthlyBudgetUsd!)))) return { ok: false, budget: 'project' };
      claim.subjects.push(s.project);
    }
    return { ok: true, claim };
  }

  /** What the admitted request cost, in nano-dollars (synchronous: before the client sees the answer end). */
  charge(claim: BudgetClaim, nanos: number): void {
    for (const subject of claim.subjects) this.reservations.charge(subject, nanos);
  }

  /** A token's budget changed: what is held goes back and the store is asked afresh. */
  forgetToken(tokenId: string): void {
    this.reservations.forget(budgetSubject.token(tokenId));
  }

  forgetProject(projectId: string): void {
    this.reservations.forget(budgetSubject.project(projectId, utcMonth(this.deps.clock.now())));
  }

  close(): Promise<void> {
    return this.reservations.close();
  }
}
