// UsageRepository over PostgreSQL: reads of the hourly buckets postgres-tokens.ts fills with the counters.
import { type Queryable } from './postgres-client.ts';
import type { DbRecord } from './table-map.ts';
import { dailyUsageShape } from './tables.ts';
import type { UsageRepository } from './types.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export function postgresUsageRepository(pool: Queryable): UsageRepository {
  return {
    async requestsSince(from) {
      const res = await pool.query<{ total: number | null }>('SELECT sum(requests)::bigint AS total FROM usage_hourly WHERE hour >= $1::bigint', [
        Math.floor(from / HOUR_MS) * HOUR_MS,
      ]);
      return res.rows[0]?.total ?? 0;
    },
    async daily(query) {
      const params: unknown[] = [query.from, query.to, query.offsetMs];
      let filter = '';
      if (query.projectId !== undefined) {
        params.push(query.projectId);
        filter += ` AND project_id = $${params.length}`;
      }
      if (query.tokenId !== undefined) {
        params.push(query.tokenId);
        filter += ` AND token_id = $${params.length}`;
      }
      const key = query.groupBy === 'token' ? 'token_id' : 'project_id';
      const res = await pool.query<DbRecord>(
        `SELECT ${key} AS key, trunc((hour + $3::bigint)::numeric / ${DAY_MS})::bigint AS day,
           sum(requests)::bigint AS requests, sum(prompt_tokens)::bigint AS prompt_tokens,
           sum(completion_tokens)::bigint AS completion_tokens, sum(cache_hits)::bigint AS cache_hits
         FROM usage_hourly
         WHERE hour >= $1::bigint AND hour < $2::bigint${filter}
         GROUP BY 1, 2`,
        params,
      );
      return res.rows.map(dailyUsageShape.toRow);
    },
  };
}
