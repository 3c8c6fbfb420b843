// The contract methods of this capability: the live snapshot, the event pipeline's status and dead
// letters, and daily usage and spend per token or project (rolled up from the hourly buckets).
import type { UsageDailyRowView } from '../api/event-views.ts';
import type { AdminHandlers } from '../api/handler-types.ts';
import type { Clock } from '../clock.ts';
import { addDailySpend, emptyUsageRow } from '../money/daily-spend.ts';
import type { MoneyRepository } from '../store/money-types.ts';
import type { UsageRepository } from '../store/types.ts';
import type { EventsRuntime } from './runtime.ts';

export type EventHandlers = Pick<AdminHandlers, 'dashboard.live' | 'events.status' | 'events.deadLetters' | 'usage.daily'>;

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

export function createEventHandlers(deps: {
  events: Pick<EventsRuntime, 'live' | 'status' | 'deadLetters'>;
  usage: UsageRepository;
  money: Pick<MoneyRepository, 'dailySpend'>;
  clock: Clock;
}): EventHandlers {
  return {
    async 'dashboard.live'() {
      return deps.events.live.snapshot();
    },
    async 'events.status'() {
      return deps.events.status();
    },
    async 'events.deadLetters'(input) {
      return deps.events.deadLetters({ dispatcher: input.dispatcher, page: input.page ?? 1, pageSize: input.page_size ?? 50 });
    },
    async 'usage.daily'(input) {
      const dayCount = input.days ?? 7;
      const offsetMs = (input.utc_offset_minutes ?? 0) * MINUTE_MS;
      // Days are counted in the viewer's time: day n covers [n·DAY − offset, (n+1)·DAY − offset) in UTC.
      const today = Math.floor((deps.clock.now() + offsetMs) / DAY_MS);
      const firstDay = today - dayCount + 1;
      const query = {
        groupBy: input.group_by,
        from: firstDay * DAY_MS - offsetMs,
        to: (today + 1) * DAY_MS - offsetMs,
        offsetMs,
        projectId: input.project_id,
        tokenId: input.token_id,
      };
      const [rows, spend] = await Promise.all([deps.usage.daily(query), deps.money.dailySpend(query)]);
      const byKey = new Map<string, UsageDailyRowView>();
      for (const row of rows) {
        const index = row.day - firstDay;
        if (index < 0 || index >= dayCount) continue;
        let view = byKey.get(row.key);
        if (!view) {
          view = emptyUsageRow(row.key, dayCount);
          byKey.set(row.key, view);
        }
        view.requests[index] = (view.requests[index] ?? 0) + row.requests;
        view.prompt_tokens[index] = (view.prompt_tokens[index] ?? 0) + row.promptTokens;
        view.completion_tokens[index] = (view.completion_tokens[index] ?? 0) + row.completionTokens;
        view.cache_hits[index] = (view.cache_hits[index] ?? 0) + row.cacheHits;
        view.total.requests += row.requests;
        view.total.prompt_tokens += row.promptTokens;
        view.total.completion_tokens += row.completionTokens;
        view.total.cache_hits += row.cacheHits;
      }
      addDailySpend(byKey, spend, firstDay, dayCount);
      const days = Array.from({ length: dayCount }, (_, i) => new Date((firstDay + i) * DAY_MS).toISOString().slice(0, 10));
      return { group_by: input.group_by, days, rows: [...byKey.values()].sort((a, b) => b.total.requests - a.total.requests) };
    },
  };
}
