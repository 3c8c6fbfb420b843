// Passes `quota-check` and `quota-claim`. A spent lifetime quota is refused before the cache and the
// rate limits (it takes nothing from shared budgets, and `x-should-retry: false` tells the OpenAI SDKs
// that retrying never helps). The claim comes after the rate limits: from a block of the quota reserved
// durably in the store (the token gate's reservations), so quotas hold across instances and crashes; a
// request refused there gives its rate-limit points back.
import type { TokenGate } from '../../tokens/token-gate.ts';
import { ProxyRefusal } from '../exchange.ts';
import type { RequestPass } from '../pipeline.ts';
import { modelDetails } from './details.ts';

const noRetry = { 'x-should-retry': 'false' };

export function quotaCheck(gate: Pick<TokenGate, 'quotaSpent'>): RequestPass {
  return {
    name: 'quota-check',
    onRequest(x) {
      if (gate.quotaSpent(x.auth!)) throw new ProxyRefusal('quota_exceeded', { details: modelDetails(x), headers: noRetry });
    },
  };
}

export function quotaClaim(gate: Pick<TokenGate, 'claimRequest'>): RequestPass {
  return {
    name: 'quota-claim',
    async onRequest(x) {
      const admitted = await gate.claimRequest(x.auth!);
      if (admitted.ok) return;
      x.ticket?.cancel();
      x.ticket = null;
      throw new ProxyRefusal(admitted.refusal, { details: modelDetails(x), headers: noRetry });
    },
  };
}
