// Pass `cost`: what the answer cost in USD, from the usage the usage-extraction tap read (so it runs after
// it) and the project's prices or the catalogue's (../../money). Set when the answer's body ends, before
// the client sees its end, so the request event carries it.
import { costOf } from '../../money/cost.ts';
import type { PriceCatalogue } from '../../money/price-catalogue.ts';
import type { StreamPass } from '../pipeline.ts';

export function cost(deps: { prices: PriceCatalogue }): StreamPass {
  return {
    name: 'cost',
    onStream(x) {
      return {
        write() {},
        end() {
          const usage = x.usage;
          if (!usage) return;
          const upstream = x.auth!.upstream;
          x.trace.costUsd = costOf(deps.prices, { provider: upstream.provider.id, baseUrl: upstream.baseUrl, prices: upstream.prices }, x.model, usage);
        },
      };
    },
  };
}
