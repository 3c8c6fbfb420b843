// Passes `budget-check` and `budget-claim` (../../money/budgets.ts), placed like the quota's: a budget this
// instance knows is spent is refused before the cache and the rate limits; the claim comes after the rate
// limits and may reserve a block of the budget in the store (a request refused there gives its rate-limit
// slot back). The cost pass charges the claim when the answer ends.
import type { Budgets, BudgetHolder } from '../../money/budgets.ts';
import type { Authenticated } from '../../tokens/token-gate.ts';
import { ProxyRefusal } from '../exchange.ts';
import type { RequestPass } from '../pipeline.ts';
import { modelDetails } from './details.ts';

const noRetry = { 'x-should-retry': 'false' };
const messages = {
  token: 'The budget of this token is spent.',
  project: "This month's budget of the token's project is spent.",
};

export function budgetHolder(auth: Authenticated): BudgetHolder {
  return {
    tokenId: auth.token.id,
    projectId: auth.upstream.projectId,
    maxBudgetUsd: auth.token.maxBudgetUsd,
    monthlyBudgetUsd: auth.upstream.monthlyBudgetUsd,
  };
}

function refusal(x: Parameters<RequestPass['onRequest']>[0], budget: 'token' | 'project'): ProxyRefusal {
  return new ProxyRefusal('budget_exceeded', { details: { ...modelDetails(x), budget }, headers: noRetry, message: messages[budget] });
}

export function budgetCheck(budgets: Pick<Budgets, 'spent'>): RequestPass {
  return {
    name: 'budget-check',
    onRequest(x) {
      const spent = budgets.spent(budgetHolder(x.auth!));
      if (spent) throw refusal(x, spent);
    },
  };
}

export function budgetClaim(budgets: Pick<Budgets, 'admit'>): RequestPass {
  return {
    name: 'budget-claim',
    onRequest(x) {
      const holder = budgetHolder(x.auth!);
      // No budget on the token or its project: nothing to wait for (most requests).
      if (holder.maxBudgetUsd === null && holder.monthlyBudgetUsd === null) return;
      return budgets.admit(holder).then((decision) => {
        if (decision.ok) {
          x.budget = decision.claim;
          return;
        }
        x.ticket?.cancel();
        x.ticket = null;
        throw refusal(x, decision.budget);
      });
    },
  };
}
