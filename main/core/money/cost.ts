// The cost of one answered request in USD: the project's own price for the model when one of its globs
// matches (price-overrides), else the price catalogue's; null when neither knows the model ("unpriced"),
// never a silent 0. Costs are whole nano-dollars, so sums (spend) are exact integers everywhere.
import type { Usage } from '../proxy/usage.ts';
import type { ProjectPrices, Provider } from '../store/types.ts';
import { modelMatches } from '../tokens/models.ts';
import type { PriceCatalogue, PricedUsage } from './price-catalogue.ts';

export const NANOS_PER_USD = 1_000_000_000;

export interface PricingContext {
  provider: Provider;
  baseUrl: string;
  prices: ProjectPrices;
}

export function pricedUsage(usage: Usage): PricedUsage {
  return {
    input: usage.promptTokens,
    output: usage.completionTokens,
    cacheRead: usage.cachedInputTokens ?? 0,
    cacheWrite: usage.cacheWriteTokens ?? 0,
    reasoning: usage.reasoningTokens ?? 0,
  };
}

/** The override for `model`: an exact entry first, else the longest matching glob (the most specific). */
export function overrideFor(prices: ProjectPrices, model: string): ProjectPrices[string] | null {
  if (Object.hasOwn(prices, model)) return prices[model]!;
  let best: string | null = null;
  for (const glob in prices) {
    if ((best === null || glob.length > best.length) && modelMatches(glob, model)) best = glob;
  }
  return best === null ? null : prices[best]!;
}

/** USD rounded to whole nano-dollars, or null when the model has no price. */
export function costOf(catalogue: PriceCatalogue, ctx: PricingContext, model: string | null, usage: Usage): number | null {
  if (model === null) return null;
  const u = pricedUsage(usage);
  const override = overrideFor(ctx.prices, model);
  let usd: number | null;
  if (override) {
    const cached = override.cachedInputPerMtok ?? override.inputPerMtok;
    usd = ((u.input - u.cacheRead) * override.inputPerMtok + u.cacheRead * cached + u.output * override.outputPerMtok) / 1_000_000;
  } else {
    usd = catalogue.price(ctx.provider, ctx.baseUrl, model, u);
  }
  return usd === null ? null : Math.round(usd * NANOS_PER_USD) / NANOS_PER_USD;
}

export function toNanos(usd: number): number {
  return Math.round(usd * NANOS_PER_USD);
}

export function fromNanos(nanos: number): number {
  return nanos / NANOS_PER_USD;
}
