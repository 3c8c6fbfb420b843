// Money as the screens show it: USD from the API's spend_usd (whole nano-dollars / 1e9), and spend with
// answers whose model had no price said as "unpriced", never as $0.
import type { UsageDailyView } from '../../../main/core/api/event-views.ts';

const cents = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });
const small = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumSignificantDigits: 3 });

/** `$12.50`, `$0.048`, `$0.0000123`, `$0`. Amounts under a dollar keep three significant digits. */
export function formatUsd(amount: number): string {
  if (amount === 0) return '$0';
  return Math.abs(amount) >= 1 ? cents.format(amount) : small.format(amount);
}

/** `$0.048`, `unpriced` (nothing priced, some answers without a price), `$0.048 + unpriced`. */
export function spendText(spendUsd: number, unpricedRequests: number): string {
  if (unpricedRequests > 0) return spendUsd > 0 ? `${formatUsd(spendUsd)} + unpriced` : 'unpriced';
  return formatUsd(spendUsd);
}

export function unpricedNote(unpricedRequests: number, period: string): string | undefined {
  if (unpricedRequests === 0) return undefined;
  return `${unpricedRequests.toLocaleString('en')} answer${unpricedRequests === 1 ? '' : 's'} ${period} used a model without a price: their cost is unknown, not 0. Set a price on the project.`;
}

export interface ModelSpend {
  model: string;
  todayUsd: number;
  todayUnpriced: number;
  monthUsd: number;
  monthUnpriced: number;
}

export interface SpendSummary {
  todayUsd: number;
  todayUnpriced: number;
  monthUsd: number;
  monthUnpriced: number;
  /** Most spent this month first. */
  models: ModelSpend[];
}

/**
 * Today (the last day) and the whole window of a usage.daily view, in all and per model. Sums whole
 * nano-dollars so the totals are exact, as the server's are.
 */
export function spendSummary(view: UsageDailyView): SpendSummary {
  const last = view.days.length - 1;
  const nanos = (usd: number) => Math.round(usd * 1e9);
  const models = new Map<string, { today: number; todayUnpriced: number; month: number; monthUnpriced: number }>();
  for (const row of view.rows) {
    for (const m of row.models) {
      const sum = models.get(m.model) ?? { today: 0, todayUnpriced: 0, month: 0, monthUnpriced: 0 };
      sum.today += nanos(m.spend_usd[last] ?? 0);
      sum.todayUnpriced += m.unpriced_requests[last] ?? 0;
      sum.month += nanos(m.total.spend_usd);
      sum.monthUnpriced += m.total.unpriced_requests;
      models.set(m.model, sum);
    }
  }
  const list = [...models].map(([model, s]) => ({
    model,
    todayUsd: s.today / 1e9,
    todayUnpriced: s.todayUnpriced,
    monthUsd: s.month / 1e9,
    monthUnpriced: s.monthUnpriced,
  }));
  list.sort((a, b) => b.monthUsd - a.monthUsd || b.monthUnpriced - a.monthUnpriced || a.model.localeCompare(b.model));
  const total = (pick: (m: ModelSpend) => number, scale = 1e9) => Math.round(list.reduce((n, m) => n + pick(m) * scale, 0)) / scale;
  return {
    todayUsd: total((m) => m.todayUsd),
    todayUnpriced: total((m) => m.todayUnpriced, 1),
    monthUsd: total((m) => m.monthUsd),
    monthUnpriced: total((m) => m.monthUnpriced, 1),
    models: list,
  };
}
