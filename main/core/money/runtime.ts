// The instance's money parts, created and closed together: the price catalogue, the budgets (durable
// reservations) and the spend recorder, plus `llm_proxy_spend_usd_total` on the metrics registry.
import type { Registry } from 'prom-client';
import type { Clock } from '../clock.ts';
import { registerSpendMetric } from '../metrics/spend-metric.ts';
import type { Store } from '../store/types.ts';
import { Budgets } from './budgets.ts';
import { PriceCatalogue } from './price-catalogue.ts';
import { createSpendRecorder, type SpendRecorder } from './spend-recorder.ts';

export interface MoneyRuntime {
  prices: PriceCatalogue;
  budgets: Budgets;
  spend: SpendRecorder;
  close(): Promise<void>;
}

export function startMoney(deps: {
  store: Store;
  clock: Clock;
  flushMs: number;
  recheckMs: number;
  registry: Registry;
  onError: (err: unknown) => void;
}): MoneyRuntime {
  const budgets = new Budgets({ money: deps.store.money, clock: deps.clock, recheckMs: deps.recheckMs, onError: deps.onError });
  const spend = createSpendRecorder({ money: deps.store.money, clock: deps.clock, flushMs: deps.flushMs, onError: deps.onError });
  registerSpendMetric(deps.registry, deps.store.money);
  return {
    prices: new PriceCatalogue(),
    budgets,
    spend,
    async close() {
      // Spend first: the store then holds every cost before the unused reservations go back.
      await spend.close();
      await budgets.close();
    },
  };
}
