// The API's money fields: per-project prices per model glob and monthly budget, a token's lifetime budget,
// and spend as shown everywhere (whole nano-dollars / 1e9, the same number in the API, CLI and /metrics).
import { z } from 'zod';
import type { ProjectSpend } from '../store/money-types.ts';
import type { ProjectPrices } from '../store/types.ts';

const perMtok = z.number().min(0, 'must not be negative').max(1_000_000, 'must be at most 1000000');
const modelGlob = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .regex(/^[\w.:/*?@-]+$/, 'may hold letters, digits, . _ - : / @ and the wildcards * ?');

export const pricesSchema = z
  .record(modelGlob, z.object({ input_per_mtok: perMtok, output_per_mtok: perMtok, cached_input_per_mtok: perMtok.optional() }).strict())
  .refine((prices) => Object.keys(prices).length <= 100, { message: 'may hold at most 100 model globs' });

/** USD; null removes the budget. */
export const budgetUsd = z.number().positive('must be more than 0 (null removes the budget)').max(1_000_000_000, 'must be at most 1000000000').nullable();

export type PricesView = z.infer<typeof pricesSchema>;

export function pricesFromInput(input: PricesView | null): ProjectPrices {
  const prices: ProjectPrices = {};
  for (const [glob, p] of Object.entries(input ?? {})) {
    prices[glob] = {
      inputPerMtok: p.input_per_mtok,
      outputPerMtok: p.output_per_mtok,
      ...(p.cached_input_per_mtok !== undefined && { cachedInputPerMtok: p.cached_input_per_mtok }),
    };
  }
  return prices;
}

export function presentPrices(prices: ProjectPrices): PricesView {
  const view: PricesView = {};
  for (const [glob, p] of Object.entries(prices)) {
    view[glob] = {
      input_per_mtok: p.inputPerMtok,
      output_per_mtok: p.outputPerMtok,
      ...(p.cachedInputPerMtok !== undefined && { cached_input_per_mtok: p.cachedInputPerMtok }),
    };
  }
  return view;
}

export function usdOf(nanos: number): number {
  return nanos / 1e9;
}

export const noSpend: ProjectSpend = { totalNanos: 0, monthNanos: 0 };

/** The current UTC month's bounds, epoch ms. */
export function utcMonthBounds(now: number): { from: number; to: number } {
  const d = new Date(now);
  return { from: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1), to: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) };
}
