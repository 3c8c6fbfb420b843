// The Dashboard's spend: today and this month (the viewer's days, from usage.daily per project), and the
// same per model. Answers without a price are said as "unpriced", never as $0.
import { formatUsd, spendSummary, spendText, unpricedNote } from '../lib/money.ts';
import { hrefFor } from '../lib/router.ts';
import { useSpend } from '../stores/spend.ts';

const MODELS_SHOWN = 8;

export function SpendPanel() {
  const view = useSpend((s) => s.view);
  const status = useSpend((s) => s.status);
  if (!view) {
    return (
      <section className="panel spend-panel" aria-labelledby="spend-title">
        <header className="panel-header">
          <h2 id="spend-title">Spend</h2>
        </header>
        <p className="panel-empty">{status === 'error' ? 'Spend could not be loaded.' : 'Loading spend…'}</p>
      </section>
    );
  }
  const s = spendSummary(view);
  return (
    <section className="panel spend-panel" aria-labelledby="spend-title">
      <header className="panel-header">
        <h2 id="spend-title">Spend</h2>
        <a href={hrefFor('projects')} className="quiet-link small">
          Budgets and prices
        </a>
      </header>
      <div className="spend-totals">
        <div className="spend-total" title={unpricedNote(s.todayUnpriced, 'today')}>
          <span className="stat-label">Today</span>
          <span className="stat-value num" data-testid="spend-today">
            {spendText(s.todayUsd, s.todayUnpriced)}
          </span>
        </div>
        <div className="spend-total" title={unpricedNote(s.monthUnpriced, 'this month')}>
          <span className="stat-label">This month</span>
          <span className="stat-value num" data-testid="spend-month">
            {spendText(s.monthUsd, s.monthUnpriced)}
          </span>
        </div>
      </div>
      {s.models.length === 0 ? (
        <p className="panel-empty">Nothing spent this month.</p>
      ) : (
        <table className="table spend-models">
          <caption className="visually-hidden">Spend by model</caption>
          <thead>
            <tr>
              <th scope="col">Model</th>
              <th scope="col" className="num">
                Today
              </th>
              <th scope="col" className="num">
                This month
              </th>
            </tr>
          </thead>
          <tbody>
            {s.models.slice(0, MODELS_SHOWN).map((m) => (
              <tr key={m.model}>
                <td className="mono truncate" title={m.model} data-label="Model">
                  {m.model}
                </td>
                <td className="num" data-label="Today" title={unpricedNote(m.todayUnpriced, 'today')}>
                  {spendText(m.todayUsd, m.todayUnpriced)}
                </td>
                <td className="num" data-label="This month" title={unpricedNote(m.monthUnpriced, 'this month') ?? formatUsd(m.monthUsd)}>
                  {spendText(m.monthUsd, m.monthUnpriced)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="small muted">Since the 1st, in your time zone. Project budgets count the calendar month in UTC.</p>
    </section>
  );
}
