import { describe, expect, it } from 'vitest';
import { PriceCatalogue, catalogueCalcPrice, type PricedUsage } from './price-catalogue.ts';

const usage = (input: number, output: number, parts: Partial<PricedUsage> = {}): PricedUsage => ({
  input,
  output,
  cacheRead: 0,
  cacheWrite: 0,
  reasoning: 0,
  ...parts,
});

describe('PriceCatalogue', () => {
  const catalogue = new PriceCatalogue();

  // The fast path (rates calcPrice gave once per model) must agree with calcPrice on every request.
  const cases: [Parameters<PriceCatalogue['price']>[0], string, PricedUsage][] = [
    ['openai', 'gpt-4o-mini', usage(1000, 100)],
    ['openai', 'gpt-4o-mini', usage(1000, 100, { cacheRead: 600 })],
    ['openai', 'gpt-4o-mini-2024-07-18', usage(12, 3)],
    ['openai', 'o3-mini', usage(1000, 300, { reasoning: 200 })],
    ['anthropic', 'claude-sonnet-4-5', usage(5000, 100, { cacheRead: 2000, cacheWrite: 1000 })],
    ['anthropic', 'claude-sonnet-4-5', usage(300_000, 100, { cacheRead: 2000 })], // past the long-context tier
    ['anthropic', 'claude-haiku-4-5', usage(11, 5)],
    ['azure', 'gpt-4o', usage(1000, 100)],
  ];
  it.each(cases)('%s %s costs what calcPrice says', (provider, model, u) => {
    const expected = catalogueCalcPrice(provider, '', model, u);
    expect(expected).not.toBeNull();
    expect(catalogue.price(provider, '', model, u)).toBeCloseTo(expected!, 12);
  });

  it('prices the long-context tier above its start, like the catalogue', () => {
    const below = catalogue.price('anthropic', '', 'claude-sonnet-4-5', usage(200_000, 0))!;
    const above = catalogue.price('anthropic', '', 'claude-sonnet-4-5', usage(200_001, 0))!;
    expect(above / 200_001).toBeGreaterThan((below / 200_000) * 1.5);
  });

  it('knows no price for an unknown model, or an OpenAI-compatible server the catalogue does not know', () => {
    expect(catalogue.price('openai', '', 'my-finetune-xyz', usage(10, 10))).toBeNull();
    expect(catalogue.price('openai-compatible', 'http://127.0.0.1:11434', 'llama3', usage(10, 10))).toBeNull();
  });

  it('finds an OpenAI-compatible provider by its base URL', () => {
    const price = catalogue.price('openai-compatible', 'https://openrouter.ai/api', 'anthropic/claude-3-haiku', usage(1000, 100));
    expect(price).toBeCloseTo(catalogueCalcPrice('openai-compatible', 'https://openrouter.ai/api', 'anthropic/claude-3-haiku', usage(1000, 100))!, 12);
    expect(price).toBeGreaterThan(0);
  });
});
