// Money forms: a token's lifetime budget (mint and "Edit limits") and a project's monthly budget and its
// own prices per model glob (the Projects screen's "Spend" dialog) → contract inputs.
import type { InputOf } from '../../../main/core/api/contract.ts';
import type { ProjectView } from '../../../main/core/api/views.ts';
import { checkInput, type Checked, type FieldErrors } from './validate.ts';

/** USD typed into a text field: '' → null (no budget), '2.50' → 2.5, anything else → NaN. */
export function usdOrNull(text: string): number | null {
  const t = text.trim().replace(/^\$/, '');
  if (t === '') return null;
  return /^\d+(\.\d+)?$|^\.\d+$/.test(t) ? Number(t) : Number.NaN;
}

export const BUDGET_TYPING = 'Must be an amount in USD such as 5 or 0.25, or empty for no budget.';

/** A number field's text: '' for none. */
export const amountText = (n: number | null | undefined) => (n === null || n === undefined ? '' : String(n));

/** One price row as typed: a model glob and USD per million tokens (cached input optional). */
export interface PriceRowValues {
  glob: string;
  input: string;
  output: string;
  cached: string;
}

export interface ProjectMoneyValues {
  monthlyBudget: string;
  prices: PriceRowValues[];
}

export const emptyPriceRow: PriceRowValues = { glob: '', input: '', output: '', cached: '' };

export function projectMoneyValuesOf(project: Pick<ProjectView, 'monthly_budget_usd' | 'prices'>): ProjectMoneyValues {
  return {
    monthlyBudget: amountText(project.monthly_budget_usd),
    prices: Object.entries(project.prices ?? {}).map(([glob, p]) => ({
      glob,
      input: String(p.input_per_mtok),
      output: String(p.output_per_mtok),
      cached: amountText(p.cached_input_per_mtok),
    })),
  };
}

/** Server paths (`prices.gpt-4o*.input_per_mtok`) → the form's field names (`price.0.input`). */
export function projectMoneyFieldOf(values: ProjectMoneyValues) {
  return (path: string): string => {
    if (path.startsWith('monthly_budget_usd')) return 'monthlyBudget';
    if (!path.startsWith('prices')) return '_form';
    const rest = path.slice('prices.'.length);
    const index = values.prices.findIndex((p) => rest === p.glob.trim() || rest.startsWith(`${p.glob.trim()}.`));
    if (index < 0) return 'prices';
    const column = rest.slice(values.prices[index]!.glob.trim().length + 1);
    const field = column.startsWith('output') ? 'output' : column.startsWith('cached') ? 'cached' : column.startsWith('input') ? 'input' : 'glob';
    return `price.${index}.${field}`;
  };
}

const PER_MTOK = 'Must be USD per million tokens, such as 2.5.';

/** Every field is sent: an empty budget removes it, no rows clears the project's own prices. */
export function checkProjectMoney(id: string, values: ProjectMoneyValues): Checked<InputOf<'projects.update'>> {
  const errors: FieldErrors = {};
  const budget = usdOrNull(values.monthlyBudget);
  if (Number.isNaN(budget)) errors.monthlyBudget = BUDGET_TYPING;
  const prices: NonNullable<InputOf<'projects.update'>['prices']> = {};
  values.prices.forEach((row, i) => {
    const glob = row.glob.trim();
    if (!glob && !row.input.trim() && !row.output.trim() && !row.cached.trim()) return; // an untouched new row
    if (!glob) errors[`price.${i}.glob`] = 'Name a model or a pattern such as gpt-4o*.';
    // The contract's rule (money-fields.ts); zod only says "Invalid key in record".
    else if (!/^[\w.:/*?@-]+$/.test(glob)) errors[`price.${i}.glob`] = 'Use letters, digits, . _ - : / @ and the wildcards * ? (no spaces).';
    else if (Object.hasOwn(prices, glob)) errors[`price.${i}.glob`] = 'This model is priced twice.';
    const input = usdOrNull(row.input);
    const output = usdOrNull(row.output);
    const cached = usdOrNull(row.cached);
    if (input === null || Number.isNaN(input)) errors[`price.${i}.input`] = PER_MTOK;
    if (output === null || Number.isNaN(output)) errors[`price.${i}.output`] = PER_MTOK;
    if (Number.isNaN(cached)) errors[`price.${i}.cached`] = `${PER_MTOK} Empty: the input price.`;
    if (glob && !Object.hasOwn(prices, glob))
      prices[glob] = {
        input_per_mtok: input ?? 0,
        output_per_mtok: output ?? 0,
        ...(cached !== null && !Number.isNaN(cached) && { cached_input_per_mtok: cached }),
      };
  });
  const input: InputOf<'projects.update'> = {
    id,
    monthly_budget_usd: Number.isNaN(budget) ? null : budget,
    prices: Object.keys(prices).length ? prices : null,
  };
  const checked = checkInput('projects.update', input, projectMoneyFieldOf(values));
  if (Object.keys(errors).length === 0) return checked;
  return { ok: false, errors: { ...(checked.ok ? {} : checked.errors), ...errors } };
}
