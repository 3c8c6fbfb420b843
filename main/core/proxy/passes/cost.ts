// Pass `cost`: what the answer cost in USD, from the usage the usage-extraction tap read (so it runs after
// it) and the project's prices or the catalogue's (../../money). Set when the answer's body ends, before
// the client sees its end, so the request event carries it and the next request of the same client
// already sees it charged to the budgets and counted as spend.
import type { Budgets } from '../../money/budgets.ts';
import { costOf, toNanos } from '../../money/cost.ts';
import type { PriceCatalogue } from '../../money/price-catalogue.ts';
import type { SpendRecorder } from '../../money/spend-recorder.ts';
import type { StreamPass } from '../pipeline.ts';

export function cost(deps: { prices: PriceCatalogue; budgets?: Pick<Budgets, 'charge'>; spend?: Pick<SpendRecorder, 'record'> }): StreamPass {
  return {
    name: 'cost',
    onStream(x) {
      return {
        write() {},
        end() {
          const usage = x.usage;
          if (!usage) return;
          const upstream = x.auth!.upstream;
          const usd = costOf(deps.prices, { provider: upstream.provider.id, baseUrl: upstream.baseUrl, prices: upstream.prices }, x.model, usage);
          x.trace.costUsd = usd;
          if (usd === null) {
            if (x.model) deps.spend?.record(x.auth!.token.id, x.model, null);
            return;
          }
          if (usd === 0) return;
          const nanos = toNanos(usd);
          if (x.budget) deps.budgets?.charge(x.budget, nanos);
          deps.spend?.record(x.auth!.token.id, x.model!, nanos);
        },
      };
    },
  };
}
