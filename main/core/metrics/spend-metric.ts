// `llm_proxy_spend_usd_total{project,model}`: read from the store at scrape time, so every instance shows
// the same figure, and the same one the API, the screens and the CLI show (whole nano-dollars / 1e9).
import { Counter, type Registry } from 'prom-client';
import type { MoneyRepository } from '../store/money-types.ts';

export function registerSpendMetric(registry: Registry, money: Pick<MoneyRepository, 'spendTotals'>): void {
  new Counter({
    name: 'llm_proxy_spend_usd_total',
    help: 'USD spent on answered requests (priced models only), by project id and model, as stored.',
    labelNames: ['project', 'model'],
    registers: [registry],
    async collect() {
      const totals = await money.spendTotals();
      this.reset();
      for (const t of totals) this.inc({ project: t.projectId, model: t.model }, t.nanos / 1e9);
    },
  });
}
