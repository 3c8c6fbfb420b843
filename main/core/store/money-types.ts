// The store's side of money (main/core/money): spend per token, hour and model, and the durable budget
// reservations. Amounts are whole nano-dollars; budgets are USD as set on the token or project.
import type { DailyUsageQuery } from './daily-usage-query.ts';
import { reservationGrant } from './quota-reservations.ts';

/** What one token spent on one model since the last flush, added (never assigned) to the store. */
export interface SpendDelta {
  tokenId: string;
  model: string;
  nanos: number;
  /** Answers whose model had no price (cost null): counted, never priced. */
  unpriced: number;
  /** When it was spent (its hour bucket). */
  at: number;
}

export interface DailySpendRow {
  /** Token or project id. */
  key: string;
  /** Days since the epoch in the viewer's time, as DailyUsageRow.day. */
  day: number;
  model: string;
  nanos: number;
  /** Answers on that day and model that had no price. */
  unpriced: number;
}

export interface ProjectSpend {
  totalNanos: number;
  /** In the month asked for. */
  monthNanos: number;
}

/**
 * A budget the reservations hold: a token's lifetime budget (`t:<token id>`) or a project's budget for one
 * UTC month (`p:<project id>:<YYYY-MM>`).
 */
export const budgetSubject = {
  token: (tokenId: string) => `t:${tokenId}`,
  project: (projectId: string, month: string) => `p:${projectId}:${month}`,
};

export type ParsedSubject = { kind: 'token'; tokenId: string } | { kind: 'project'; projectId: string; month: string; from: number; to: number };

export function parseSubject(subject: string): ParsedSubject | null {
  if (subject.startsWith('t:')) return { kind: 'token', tokenId: subject.slice(2) };
  const m = /^p:(.+):(\d{4})-(\d{2})$/.exec(subject);
  if (!m) return null;
  const year = Number(m[2]);
  const month = Number(m[3]) - 1;
  return { kind: 'project', projectId: m[1]!, month: `${m[2]}-${m[3]}`, from: Date.UTC(year, month, 1), to: Date.UTC(year, month + 1, 1) };
}

/** `YYYY-MM` of an epoch ms, in UTC. */
export function utcMonth(ms: number): string {
  return new Date(ms).toISOString().slice(0, 7);
}

export function toBudgetNanos(usd: number): number {
  return Math.round(usd * 1e9);
}

/**
 * The grant and the new reserved amount for a budget (null: nothing to write). Reserved counts what was
 * claimed, used or not; it starts from the spend when it is behind (a budget set after spending).
 */
export function grantBudget(budgetUsd: number | null, spent: number, reserved: number, want: number): { granted: number; reserved: number | null } {
  if (budgetUsd === null) return { granted: want, reserved: null };
  const taken = Math.max(reserved, spent);
  const granted = reservationGrant(want, toBudgetNanos(budgetUsd), taken);
  return { granted, reserved: granted > 0 ? taken + granted : null };
}

export interface MoneyRepository {
  /** Adds spend to the tokens and to their hour and model buckets, in one transaction. */
  addSpend(deltas: SpendDelta[]): Promise<void>;
  /**
   * Durably reserves up to `want` nano-dollars of a budget (budgetSubject) in one locking transaction; fewer
   * near the end. 0 when it is spent or the token/project is gone; `want` when it has no budget.
   */
  reserveBudget(subject: string, want: number): Promise<number>;
  /** Gives unused reservations back; a negative amount adds spend that went past what was reserved. */
  releaseBudget(releases: { subject: string; amount: number }[]): Promise<void>;
  /** Every project's spend: in all and in [monthFrom, monthTo). */
  projectSpend(monthFrom: number, monthTo: number): Promise<Map<string, ProjectSpend>>;
  /** Spend per project and model, all time (/metrics). */
  spendTotals(): Promise<{ projectId: string; model: string; nanos: number }[]>;
  /** Spend per token or project, day and model (usage history). */
  dailySpend(query: DailyUsageQuery): Promise<DailySpendRow[]>;
}
