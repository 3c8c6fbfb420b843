// Prices from the maintained catalogue (@pydantic/genai-prices, pinned in package.json: bump it to refresh
// prices). calcPrice is the source of truth, but one call costs tens of microseconds (it decomposes usage
// units), too much for every request: so each (provider, model) is resolved once, and a model with flat
// prices is priced with per-token rates that calcPrice itself gave. Requests past a long-context tier and
// models whose price depends on the date or hour go through calcPrice each time.
import { calcPrice, findProvider, type ModelPrice, type Provider as CatalogueProvider, type Usage as CatalogueUsage } from '@pydantic/genai-prices';
import type { Provider } from '../store/types.ts';

/** Token counts as the catalogue prices them: parts are included in their whole (input, output). */
export interface PricedUsage {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  reasoning: number;
}

interface Rates {
  perRequest: number;
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  reasoning: number;
}

type Resolved =
  | { kind: 'unpriced' }
  /** Flat rates, valid while the prompt is at most `linearUpTo` tokens (the first long-context tier). */
  | { kind: 'rates'; rates: Rates; linearUpTo: number; provider: CatalogueProvider }
  | { kind: 'exact'; provider: CatalogueProvider };

const MAX_RESOLVED = 2_000;

function catalogueUsage(u: PricedUsage): CatalogueUsage {
  const usage: CatalogueUsage = { input_tokens: u.input, output_tokens: u.output };
  if (u.cacheRead > 0) usage.cache_read_tokens = u.cacheRead;
  if (u.cacheWrite > 0) usage.cache_write_tokens = u.cacheWrite;
  if (u.reasoning > 0) usage.output_reasoning_tokens = u.reasoning;
  return usage;
}

function lowestTier(prices: ModelPrice): number {
  let lowest = Infinity;
  for (const value of Object.values(prices)) {
    if (typeof value === 'object') for (const tier of value.tiers) lowest = Math.min(lowest, tier.start);
  }
  return lowest;
}

export class PriceCatalogue {
  private readonly resolved = new Map<string, Resolved>();

  /** The catalogue's provider for a project: by id, or for an OpenAI-compatible server by its base URL. */
  private catalogueProvider(provider: Provider, baseUrl: string): CatalogueProvider | undefined {
    if (provider === 'openai-compatible') return findProvider({ providerApiUrl: baseUrl });
    return findProvider({ providerId: provider });
  }

  private resolve(provider: Provider, baseUrl: string, model: string): Resolved {
    const key = `${provider}\u0000${provider === 'openai-compatible' ? baseUrl : ''}\u0000${model}`;
    let found = this.resolved.get(key);
    if (found) return found;
    found = this.lookUp(provider, baseUrl, model);
    if (this.resolved.size >= MAX_RESOLVED) this.resolved.delete(this.resolved.keys().next().value as string);
    this.resolved.set(key, found);
    return found;
  }

  private lookUp(provider: Provider, baseUrl: string, model: string): Resolved {
    const catalogueProvider = this.catalogueProvider(provider, baseUrl);
    if (!catalogueProvider) return { kind: 'unpriced' };
    const probe = calcPrice({ input_tokens: 0, output_tokens: 0 }, model, { provider: catalogueProvider });
    if (!probe) return { kind: 'unpriced' };
    // Only this model, so later calls skip matching against the whole provider.
    const single: CatalogueProvider = { ...probe.provider, models: [probe.model] };
    if (Array.isArray(probe.model.prices)) return { kind: 'exact', provider: single };
    const price = (usage: CatalogueUsage) => calcPrice(usage, model, { provider: single })!.total_price;
    const perRequest = probe.total_price;
    const rates: Rates = {
      perRequest,
      input: price({ input_tokens: 1 }) - perRequest,
      output: price({ output_tokens: 1 }) - perRequest,
      cacheRead: price({ input_tokens: 1, cache_read_tokens: 1 }) - perRequest,
      cacheWrite: price({ input_tokens: 1, cache_write_tokens: 1 }) - perRequest,
      reasoning: price({ output_tokens: 1, output_reasoning_tokens: 1 }) - perRequest,
    };
    return { kind: 'rates', rates, linearUpTo: lowestTier(probe.model.prices), provider: single };
  }

  /** USD for this usage of `model` at `provider`, or null when the catalogue has no price for it. */
  price(provider: Provider, baseUrl: string, model: string, usage: PricedUsage): number | null {
    const found = this.resolve(provider, baseUrl, model);
    if (found.kind === 'unpriced') return null;
    if (found.kind === 'rates' && usage.input <= found.linearUpTo) {
      const r = found.rates;
      const plainInput = usage.input - usage.cacheRead - usage.cacheWrite;
      const plainOutput = usage.output - usage.reasoning;
      return (
        r.perRequest +
        plainInput * r.input +
        usage.cacheRead * r.cacheRead +
        usage.cacheWrite * r.cacheWrite +
        plainOutput * r.output +
        usage.reasoning * r.reasoning
      );
    }
    return calcPrice(catalogueUsage(usage), model, { provider: found.provider })?.total_price ?? null;
  }
}

/** The catalogue's own answer, every time (tests compare the fast path with it). */
export function catalogueCalcPrice(provider: Provider, baseUrl: string, model: string, usage: PricedUsage): number | null {
  const options = provider === 'openai-compatible' ? { provider: findProvider({ providerApiUrl: baseUrl }) } : { providerId: provider };
  if (provider === 'openai-compatible' && !options.provider) return null;
  return calcPrice(catalogueUsage(usage), model, options)?.total_price ?? null;
}
