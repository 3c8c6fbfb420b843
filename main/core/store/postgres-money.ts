// MoneyRepository over PostgreSQL (same behaviour as sqlite-money.ts): spend added in token-id order, budget
// reservations under a row lock (the token's, or the project month's row) so instances take turns.
import type pg from 'pg';
import { byId, withTransaction } from './postgres-client.ts';
import { grantBudget, parseSubject, type MoneyRepository } from './money-types.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

async function reserve(client: pg.PoolClient, subject: string, want: number): Promise<number> {
  const s = parseSubject(subject);
  if (!s) return 0;
  if (s.kind === 'token') {
    const res = await client.query<{ max_budget_usd: number | null; spend_nanos: number; budget_reserved_nanos: number }>(
      'SELECT max_budget_usd, spend_nanos, budget_reserved_nanos FROM tokens WHERE id = $1 FOR UPDATE',
      [s.tokenId],
    );
    const row = res.rows[0];
    if (!row) return 0;
    const { granted, reserved } = grantBudget(row.max_budget_usd, row.spend_nanos, row.budget_reserved_nanos, want);
    if (reserved !== null) await client.query('UPDATE tokens SET budget_reserved_nanos = $2 WHERE id = $1', [s.tokenId, reserved]);
    return granted;
  }
  const project = await client.query<{ monthly_budget_usd: number | null }>('SELECT monthly_budget_usd FROM projects WHERE id = $1', [s.projectId]);
  if (!project.rows[0]) return 0;
  const budget = project.rows[0].monthly_budget_usd;
  if (budget === null) return want;
  await client.query('INSERT INTO project_budget_months (project_id, month) VALUES ($1, $2) ON CONFLICT DO NOTHING', [s.projectId, s.month]);
  const held = await client.query<{ reserved_nanos: number }>(
    'SELECT reserved_nanos FROM project_budget_months WHERE project_id = $1 AND month = $2 FOR UPDATE',
    [s.projectId, s.month],
  );
  const spent = await client.query<{ n: number }>(
    'SELECT coalesce(sum(spend_nanos), 0)::bigint AS n FROM spend_hourly WHERE project_id = $1 AND hour >= $2::bigint AND hour < $3::bigint',
    [s.projectId, s.from, s.to],
  );
  const { granted, reserved } = grantBudget(budget, spent.rows[0]!.n, held.rows[0]!.reserved_nanos, want);
  if (reserved !== null)
    await client.query('UPDATE project_budget_months SET reserved_nanos = $3 WHERE project_id = $1 AND month = $2', [s.projectId, s.month, reserved]);
  return granted;
}

export function postgresMoneyRepository(pool: pg.Pool): MoneyRepository {
  return {
    async addSpend(deltas) {
      if (deltas.length === 0) return;
      const sorted = [...deltas].sort(byId((d) => d.tokenId));
      await withTransaction(pool, async (client) => {
        for (const d of sorted) {
          if (d.nanos !== 0) await client.query('UPDATE tokens SET spend_nanos = spend_nanos + $2 WHERE id = $1', [d.tokenId, d.nanos]);
          await client.query(
            `INSERT INTO spend_hourly (hour, token_id, project_id, model, spend_nanos, unpriced_requests)
             SELECT $1::bigint, id, project_id, $3, $4, $5 FROM tokens WHERE id = $2
             ON CONFLICT (hour, token_id, model) DO UPDATE SET spend_nanos = spend_hourly.spend_nanos + excluded.spend_nanos,
               unpriced_requests = spend_hourly.unpriced_requests + excluded.unpriced_requests`,
            [Math.floor(d.at / HOUR_MS) * HOUR_MS, d.tokenId, d.model, d.nanos, d.unpriced],
          );
        }
      });
    },
    reserveBudget: (subject, want) => withTransaction(pool, (client) => reserve(client, subject, want)),
    async releaseBudget(releases) {
      if (releases.length === 0) return;
      const sorted = [...releases].sort(byId((r) => r.subject));
      await withTransaction(pool, async (client) => {
        for (const r of sorted) {
          const s = parseSubject(r.subject);
          if (s?.kind === 'token') {
            await client.query('UPDATE tokens SET budget_reserved_nanos = GREATEST(budget_reserved_nanos - $2, 0) WHERE id = $1', [s.tokenId, r.amount]);
          } else if (s?.kind === 'project') {
            await client.query(
              `INSERT INTO project_budget_months (project_id, month, reserved_nanos) SELECT id, $2, GREATEST(-$3::bigint, 0) FROM projects WHERE id = $1
               ON CONFLICT (project_id, month) DO UPDATE SET reserved_nanos = GREATEST(project_budget_months.reserved_nanos - $3::bigint, 0)`,
              [s.projectId, s.month, r.amount],
            );
          }
        }
      });
    },
    async projectSpend(monthFrom, monthTo) {
      const res = await pool.query<{ project_id: string; total: number; month: number }>(
        `SELECT project_id, sum(spend_nanos)::bigint AS total, sum(CASE WHEN hour >= $1::bigint AND hour < $2::bigint THEN spend_nanos ELSE 0 END)::bigint AS month
         FROM spend_hourly GROUP BY project_id`,
        [monthFrom, monthTo],
      );
      return new Map(res.rows.map((r) => [r.project_id, { totalNanos: r.total, monthNanos: r.month }]));
    },
    async spendTotals() {
      const res = await pool.query<{ project_id: string; model: string; nanos: number }>(
        'SELECT project_id, model, sum(spend_nanos)::bigint AS nanos FROM spend_hourly GROUP BY project_id, model',
      );
      return res.rows.map((r) => ({ projectId: r.project_id, model: r.model, nanos: r.nanos }));
    },
    async dailySpend(query) {
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
      const res = await pool.query<{ key: string; day: number; model: string; nanos: number; unpriced: number }>(
        `SELECT ${key} AS key, trunc((hour + $3::bigint)::numeric / ${DAY_MS})::bigint AS day, model, sum(spend_nanos)::bigint AS nanos,
           sum(unpriced_requests)::bigint AS unpriced
         FROM spend_hourly WHERE hour >= $1::bigint AND hour < $2::bigint${filter} GROUP BY 1, 2, 3`,
        params,
      );
      return res.rows;
    },
  };
}
