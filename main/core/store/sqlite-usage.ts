// Reads of the hourly usage buckets that sqlite-tokens.ts fills in the same transaction as the counters.
import type { Database } from 'better-sqlite3';
import type { UsageRepository } from './types.ts';

const HOUR_MS = 3_600_000;

export function sqliteUsageRepository(db: Database): UsageRepository {
  const since = db.prepare<[number], { total: number | null }>('SELECT sum(requests) AS total FROM usage_hourly WHERE hour >= ?');
  return {
    async requestsSince(from) {
      return since.get(Math.floor(from / HOUR_MS) * HOUR_MS)?.total ?? 0;
    },
  };
}
