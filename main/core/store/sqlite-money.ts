// MoneyRepository over SQLite: spend added with the tokens' counters, budget reservations committed
// (IMMEDIATE, synchronous = FULL) before any of them is used, as for request quotas.
import type { Database } from 'better-sqlite3';
import { grantBudget, parseSubject, type DailySpendRow, type MoneyRepository, type SpendDelta } from './money-types.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

interface Row {
  [column: string]: number | string | null;
}

export function sqliteMoneyRepository(db: Database): MoneyRepository {
  const addToToken = db.prepare<[number, string]>('UPDATE tokens SET spend_nanos = spend_nanos + ? WHERE id = ?');
  const addToHour = db.prepare<{ hour: number; tokenId: string; model: string; nanos: number; unpriced: number }>(`
    INSERT INTO spend_hourly (hour, token_id, project_id, model, spend_nanos, unpriced_requests)
    SELECT @hour, id, project_id, @model, @nanos, @unpriced FROM tokens WHERE id = @tokenId
    ON CONFLICT (hour, token_id, model) DO UPDATE SET spend_nanos = spend_nanos + excluded.spend_nanos, unpriced_requests = unpriced_requests + excluded.unpriced_requests`);
  const tokenBudget = db.prepare<[string], { max_budget_usd: number | null; spend_nanos: number; budget_reserved_nanos: number }>(
    'SELECT max_budget_usd, spend_nanos, budget_reserved_nanos FROM tokens WHERE id = ?',
  );
  const setTokenReserved = db.prepare<[number, string]>('UPDATE tokens SET budget_reserved_nanos = ? WHERE id = ?');
  const giveBackToken = db.prepare<[number, string]>('UPDATE tokens SET budget_reserved_nanos = max(budget_reserved_nanos - ?, 0) WHERE id = ?');
  const projectBudget = db.prepare<[string], { monthly_budget_usd: number | null }>('SELECT monthly_budget_usd FROM projects WHERE id = ?');
  const projectMonthSpend = db
    .prepare<[string, number, number], number>('SELECT coalesce(sum(spend_nanos), 0) FROM spend_hourly WHERE project_id = ? AND hour >= ? AND hour < ?')
    .pluck();
  const projectReserved = db.prepare<[string, string], number>('SELECT reserved_nanos FROM project_budget_months WHERE project_id = ? AND month = ?').pluck();
  const setProjectReserved = db.prepare<[string, string, number]>(`
    INSERT INTO project_budget_months (project_id, month, reserved_nanos) VALUES (?, ?, ?)
    ON CONFLICT (project_id, month) DO UPDATE SET reserved_nanos = excluded.reserved_nanos`);
  const giveBackProject = db.prepare<{ projectId: string; month: string; amount: number }>(`
    INSERT INTO project_budget_months (project_id, month, reserved_nanos) SELECT id, @month, max(-@amount, 0) FROM projects WHERE id = @projectId
    ON CONFLICT (project_id, month) DO UPDATE SET reserved_nanos = max(reserved_nanos - @amount, 0)`);
  const spendOfProjects = db.prepare<[number, number], { project_id: string; total: number; month: number }>(`
    SELECT project_id, sum(spend_nanos) AS total, sum(CASE WHEN hour >= ? AND hour < ? THEN spend_nanos ELSE 0 END) AS month
    FROM spend_hourly GROUP BY project_id`);
  const totals = db.prepare<[], { project_id: string; model: string; nanos: number }>(
    'SELECT project_id, model, sum(spend_nanos) AS nanos FROM spend_hourly GROUP BY project_id, model',
  );

  const addSpendTx = db.transaction((deltas: SpendDelta[]) => {
    for (const d of deltas) {
      if (d.nanos !== 0) addToToken.run(d.nanos, d.tokenId);
      addToHour.run({ hour: Math.floor(d.at / HOUR_MS) * HOUR_MS, tokenId: d.tokenId, model: d.model, nanos: d.nanos, unpriced: d.unpriced });
    }
  });
  const reserveTx = db.transaction((subject: string, want: number): number => {
    const s = parseSubject(subject);
    if (!s) return 0;
    if (s.kind === 'token') {
      const row = tokenBudget.get(s.tokenId);
      if (!row) return 0;
      const { granted, reserved } = grantBudget(row.max_budget_usd, row.spend_nanos, row.budget_reserved_nanos, want);
      if (reserved !== null) setTokenReserved.run(reserved, s.tokenId);
      return granted;
    }
    const project = projectBudget.get(s.projectId);
    if (!project) return 0;
    const spent = projectMonthSpend.get(s.projectId, s.from, s.to) ?? 0;
    const { granted, reserved } = grantBudget(project.monthly_budget_usd, spent, projectReserved.get(s.projectId, s.month) ?? 0, want);
    if (reserved !== null) setProjectReserved.run(s.projectId, s.month, reserved);
    return granted;
  });
  const releaseTx = db.transaction((releases: { subject: string; amount: number }[]) => {
    for (const r of releases) {
      const s = parseSubject(r.subject);
      if (s?.kind === 'token') giveBackToken.run(r.amount, s.tokenId);
      else if (s?.kind === 'project') giveBackProject.run({ projectId: s.projectId, month: s.month, amount: r.amount });
    }
  });

  return {
    async addSpend(deltas) {
      if (deltas.length > 0) addSpendTx.immediate(deltas);
    },
    async reserveBudget(subject, want) {
      return reserveTx.immediate(subject, want);
    },
    async releaseBudget(releases) {
      if (releases.length > 0) releaseTx.immediate(releases);
    },
    async projectSpend(monthFrom, monthTo) {
      const out = new Map<string, { totalNanos: number; monthNanos: number }>();
      for (const row of spendOfProjects.all(monthFrom, monthTo)) out.set(row.project_id, { totalNanos: row.total, monthNanos: row.month });
      return out;
    },
    async spendTotals() {
      return totals.all().map((r) => ({ projectId: r.project_id, model: r.model, nanos: r.nanos }));
    },
    async dailySpend(query) {
      const key = query.groupBy === 'token' ? 'token_id' : 'project_id';
      const params: (number | string)[] = [query.offsetMs, query.from, query.to];
      let filter = '';
      if (query.projectId !== undefined) {
        filter += ' AND project_id = ?';
        params.push(query.projectId);
      }
      if (query.tokenId !== undefined) {
        filter += ' AND token_id = ?';
        params.push(query.tokenId);
      }
      const rows = db
        .prepare<(number | string)[], Row>(
          `SELECT ${key} AS key, CAST((hour + ?) / ${DAY_MS} AS INTEGER) AS day, model, sum(spend_nanos) AS nanos, sum(unpriced_requests) AS unpriced
           FROM spend_hourly WHERE hour >= ? AND hour < ?${filter} GROUP BY 1, 2, 3`,
        )
        .all(...params);
      return rows.map((r): DailySpendRow => ({
        key: String(r.key),
        day: Number(r.day),
        model: String(r.model),
        nanos: Number(r.nanos),
        unpriced: Number(r.unpriced),
      }));
    },
  };
}
