// Spend in the usage history (usage.daily): the store's spend per key, day and model folded into the rows
// of the usage view, per day and per model, summed as whole nano-dollars and shown as USD once at the end.
import type { UsageDailyModelView, UsageDailyRowView } from '../api/event-views.ts';
import type { DailySpendRow } from '../store/money-types.ts';
import { fromNanos } from './cost.ts';

/** A usage row with no spend yet: zeros for every day. */
export function emptyUsageRow(id: string, dayCount: number): UsageDailyRowView {
  const zeros = () => Array<number>(dayCount).fill(0);
  return {
    id,
    requests: zeros(),
    prompt_tokens: zeros(),
    completion_tokens: zeros(),
    cache_hits: zeros(),
    spend_usd: zeros(),
    unpriced_requests: zeros(),
    models: [],
    total: { requests: 0, prompt_tokens: 0, completion_tokens: 0, cache_hits: 0, spend_usd: 0, unpriced_requests: 0 },
  };
}

/**
 * Adds each spend row to its usage row (created when the key had spend but no counted usage in the window),
 * per day and per model; models are listed by spend, then by unpriced answers.
 */
export function addDailySpend(byKey: Map<string, UsageDailyRowView>, spend: readonly DailySpendRow[], firstDay: number, dayCount: number): void {
  const nanos = new Map<string, { day: number[]; models: Map<string, number[]> }>();
  for (const s of spend) {
    const index = s.day - firstDay;
    if (index < 0 || index >= dayCount) continue;
    let row = byKey.get(s.key);
    if (!row) {
      row = emptyUsageRow(s.key, dayCount);
      byKey.set(s.key, row);
    }
    let sums = nanos.get(s.key);
    if (!sums) {
      sums = { day: Array<number>(dayCount).fill(0), models: new Map() };
      nanos.set(s.key, sums);
    }
    let model = row.models.find((m) => m.model === s.model);
    if (!model) {
      model = {
        model: s.model,
        spend_usd: Array<number>(dayCount).fill(0),
        unpriced_requests: Array<number>(dayCount).fill(0),
        total: { spend_usd: 0, unpriced_requests: 0 },
      };
      row.models.push(model);
      sums.models.set(s.model, Array<number>(dayCount).fill(0));
    }
    sums.day[index]! += s.nanos;
    sums.models.get(s.model)![index]! += s.nanos;
    row.unpriced_requests[index]! += s.unpriced;
    row.total.unpriced_requests += s.unpriced;
    model.unpriced_requests[index]! += s.unpriced;
    model.total.unpriced_requests += s.unpriced;
  }
  for (const [key, sums] of nanos) {
    const row = byKey.get(key)!;
    row.spend_usd = sums.day.map(fromNanos);
    row.total.spend_usd = fromNanos(sums.day.reduce((a, b) => a + b, 0));
    for (const model of row.models) {
      const perDay = sums.models.get(model.model)!;
      model.spend_usd = perDay.map(fromNanos);
      model.total.spend_usd = fromNanos(perDay.reduce((a, b) => a + b, 0));
    }
    row.models.sort(byModelSpend);
  }
}

function byModelSpend(a: UsageDailyModelView, b: UsageDailyModelView): number {
  return b.total.spend_usd - a.total.spend_usd || b.total.unpriced_requests - a.total.unpriced_requests || a.model.localeCompare(b.model);
}
