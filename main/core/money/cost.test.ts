import { describe, expect, it } from 'vitest';
import { costOf, overrideFor } from './cost.ts';
import { PriceCatalogue } from './price-catalogue.ts';

const catalogue = new PriceCatalogue();
const usage = { promptTokens: 1000, completionTokens: 100, totalTokens: 1100 };

describe('costOf', () => {
  it('prices from the catalogue in whole nano-dollars', () => {
    // gpt-4o-mini: $0.15 in, $0.60 out per million tokens.
    expect(costOf(catalogue, { provider: 'openai', baseUrl: '', prices: {} }, 'gpt-4o-mini', usage)).toBe(0.00021);
    expect(costOf(catalogue, { provider: 'openai', baseUrl: '', prices: {} }, 'gpt-4o-mini', { ...usage, cachedInputTokens: 600 })).toBe(0.000165);
  });

  it('is null for a model without a price, or a request that names none', () => {
    expect(costOf(catalogue, { provider: 'openai', baseUrl: '', prices: {} }, 'mystery-model', usage)).toBeNull();
    expect(costOf(catalogue, { provider: 'openai', baseUrl: '', prices: {} }, null, usage)).toBeNull();
  });

  it('uses the project price when a glob matches, including 0 for a local model', () => {
    const local = { provider: 'openai-compatible' as const, baseUrl: 'http://127.0.0.1:11434', prices: { 'llama*': { inputPerMtok: 0, outputPerMtok: 0 } } };
    expect(costOf(catalogue, local, 'llama3', usage)).toBe(0);
    const own = { provider: 'openai' as const, baseUrl: '', prices: { 'gpt-4o*': { inputPerMtok: 2, outputPerMtok: 8, cachedInputPerMtok: 1 } } };
    // 400 plain input at $2, 600 cached at $1, 100 output at $8.
    expect(costOf(catalogue, own, 'gpt-4o-mini', { ...usage, cachedInputTokens: 600 })).toBe(0.0022);
  });

  it('prefers the exact entry, then the longest glob; inherited object keys never match', () => {
    const prices = {
      '*': { inputPerMtok: 1, outputPerMtok: 1 },
      'gpt-*': { inputPerMtok: 2, outputPerMtok: 2 },
      'gpt-4o': { inputPerMtok: 3, outputPerMtok: 3 },
    };
    expect(overrideFor(prices, 'gpt-4o')?.inputPerMtok).toBe(3);
    expect(overrideFor(prices, 'gpt-4o-mini')?.inputPerMtok).toBe(2);
    expect(overrideFor(prices, 'claude')?.inputPerMtok).toBe(1);
    expect(overrideFor({}, 'constructor')).toBeNull();
  });
});
