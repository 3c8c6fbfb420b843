// Money in the CLI's tables: spend and budgets printed as the API answers them (the same USD number, not
// rounded), so what `token list` says equals the token answer and /metrics.

/** `$0.048`; the API's number as is. */
export function usd(amount: number): string {
  return `$${amount}`;
}

/** `$0.048 / $5` against a budget, `$0.048` without one. */
export function spendAgainst(spend: number | undefined, budget: number | null | undefined): string {
  const spent = usd(spend ?? 0);
  return budget === null || budget === undefined ? spent : `${spent} / ${usd(budget)}`;
}

/** `$5 (over the token's life)`, or `none`. */
export function budgetText(budget: number | null | undefined, period: string): string {
  return budget === null || budget === undefined ? 'none' : `${usd(budget)} ${period}`;
}
