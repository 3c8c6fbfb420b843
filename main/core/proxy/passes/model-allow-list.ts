// Pass `model-allow-list`: the token's model globs against the model the request will really use
// (after aliases and the default model), so an alias cannot reach a model the token may not.
import type { TokenGate } from '../../tokens/token-gate.ts';
import { ProxyRefusal } from '../exchange.ts';
import type { RequestPass } from '../pipeline.ts';
import { modelDetails } from './details.ts';

export function modelAllowList(gate: Pick<TokenGate, 'checkModel'>): RequestPass {
  return {
    name: 'model-allow-list',
    onRequest(x) {
      // The model catalogue is the token's own view of it (model-listing), not a use of a model.
      if (x.endpoint!.models) return;
      x.trace.model = x.model;
      const allowed = gate.checkModel(x.auth!, x.endpoint!.hasModel ? x.model : null);
      if (!allowed.ok) throw new ProxyRefusal(allowed.refusal, { details: modelDetails(x) });
    },
  };
}
