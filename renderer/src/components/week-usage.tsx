// Seven days of one token's or project's usage: requests per day as bars, and the week's totals.
import type { UsageDailyRowView } from '../../../main/core/api/event-views.ts';
import { DayBars } from './charts.tsx';

export function WeekUsage({ row, days, label }: { row: UsageDailyRowView; days: string[]; label: string }) {
  const tokens = row.total.prompt_tokens + row.total.completion_tokens;
  return (
    <div className="week-usage">
      <DayBars values={row.requests} days={days} label={`Requests per day by ${label}`} unit="requests" />
      <span
        className="week-usage-figures small num"
        title={`${row.total.requests.toLocaleString('en')} requests, ${row.total.prompt_tokens.toLocaleString('en')} prompt + ${row.total.completion_tokens.toLocaleString('en')} completion tokens${row.total.cache_hits ? `, ${row.total.cache_hits.toLocaleString('en')} cache hits` : ''} in 7 days`}
      >
        {row.total.requests.toLocaleString('en')} <span className="muted">req</span>
        <br />
        {compactNumber(tokens)} <span className="muted">tok</span>
      </span>
    </div>
  );
}

/** 1234 → 1.2k, 2_500_000 → 2.5M. */
export function compactNumber(n: number): string {
  if (n < 1000) return n.toLocaleString('en');
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(n < 10_000_000 ? 1 : 0)}M`;
}
