// Reads of the hourly usage buckets that sqlite-tokens.ts fills in the same transaction as the counters:
// "requests today" and the daily rollups per token and per project.
import type { Database } from 'better-sqlite3';
import type { DbRecord } from './table-map.ts';
import { dailyUsageShape } from './tables.ts';
import type { UsageRepository } from './types.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export function sqliteUsageRepository(db: Database): UsageRepository {
  const since = db.prepare<[number], { total: number | null }>('SELECT sum(requests) AS total FROM usage_hourly WHERE hour >= ?');
  // One statement per grouping and filter; hour buckets are cut into the viewer's days by the offset.
  // (CAST: bound numbers arrive as REAL, and REAL division keeps the fraction.)
  const daily = new Map<string, ReturnType<typeof db.prepare<Record<string, number | string>, DbRecord>>>();
  const dailyStatement = (groupBy: 'token' | 'project', byProject: boolean, byToken: boolean) => {
    const sql = `
      SELECT ${groupBy === 'token' ? 'token_id' : 'project_id'} AS key, CAST((hour + @offset) / ${DAY_MS} AS INTEGER) AS day,
        sum(requests) AS requests, sum(prompt_tokens) AS prompt_tokens, sum(completion_tokens) AS completion_tokens,
        sum(cache_hits) AS cache_hits
      FROM usage_hourly
      WHERE hour >= @from AND hour < @to${byProject ? ' AND project_id = @projectId' : ''}${byToken ? ' AND token_id = @tokenId' : ''}
      GROUP BY key, day`;
    let statement = daily.get(sql);
    if (!statement) daily.set(sql, (statement = db.prepare<Record<string, number | string>, DbRecord>(sql)));
    return statement;
  };

  return {
    async requestsSince(from) {
      return since.get(Math.floor(from / HOUR_MS) * HOUR_MS)?.total ?? 0;
    },
    async daily(query) {
      const params: Record<string, number | string> = { from: query.from, to: query.to, offset: query.offsetMs };
      if (query.projectId !== undefined) params.projectId = query.projectId;
      if (query.tokenId !== undefined) params.tokenId = query.tokenId;
      return dailyStatement(query.groupBy, query.projectId !== undefined, query.tokenId !== undefined)
        .all(params)
        .map(dailyUsageShape.toRow);
    },
  };
}
