// A project's "Spend" dialog: monthly budget and its own prices per model glob → projects.update.
import { describe, expect, it } from 'vitest';
import { projectView } from '../testing/views.ts';
import { checkProjectMoney, emptyPriceRow, projectMoneyFieldOf, projectMoneyValuesOf, usdOrNull } from './money-form.ts';
import { fieldErrorsFrom } from './validate.ts';

const ID = '0190a000-0000-7000-8000-000000000001';

describe('project money form', () => {
  it('reads amounts: empty is none, a $ is fine, words are not', () => {
    expect([usdOrNull(''), usdOrNull(' 2.5 '), usdOrNull('$10'), usdOrNull('.5')]).toEqual([null, 2.5, 10, 0.5]);
    expect(usdOrNull('ten')).toBeNaN();
    expect(usdOrNull('-1')).toBeNaN();
  });

  it('starts from the project: budget and one row per price', () => {
    const project = projectView({
      monthly_budget_usd: 50,
      prices: { 'gpt-4o*': { input_per_mtok: 2.5, output_per_mtok: 10, cached_input_per_mtok: 1.25 }, llama3: { input_per_mtok: 0, output_per_mtok: 0 } },
    });
    expect(projectMoneyValuesOf(project)).toEqual({
      monthlyBudget: '50',
      prices: [
        { glob: 'gpt-4o*', input: '2.5', output: '10', cached: '1.25' },
        { glob: 'llama3', input: '0', output: '0', cached: '' },
      ],
    });
  });

  it('sends the budget and the whole prices object (null when no row is left); an untouched new row is ignored', () => {
    const values = { monthlyBudget: '20', prices: [{ glob: ' llama3 ', input: '0', output: '0', cached: '' }, emptyPriceRow] };
    expect(checkProjectMoney(ID, values)).toEqual({
      ok: true,
      value: { id: ID, monthly_budget_usd: 20, prices: { llama3: { input_per_mtok: 0, output_per_mtok: 0 } } },
    });
    expect(checkProjectMoney(ID, { monthlyBudget: '', prices: [] })).toEqual({ ok: true, value: { id: ID, monthly_budget_usd: null, prices: null } });
  });

  it('says what is wrong with each field at once', () => {
    const values = {
      monthlyBudget: 'lots',
      prices: [
        { glob: '', input: '1', output: '', cached: 'x' },
        { glob: 'a b', input: '1', output: '2', cached: '' },
      ],
    };
    const checked = checkProjectMoney(ID, values);
    expect(checked.ok).toBe(false);
    expect(!checked.ok && checked.errors).toMatchObject({
      monthlyBudget: 'Must be an amount in USD such as 5 or 0.25, or empty for no budget.',
      'price.0.glob': 'Name a model or a pattern such as gpt-4o*.',
      'price.0.output': 'Must be USD per million tokens, such as 2.5.',
      'price.0.cached': 'Must be USD per million tokens, such as 2.5. Empty: the input price.',
      'price.1.glob': 'Use letters, digits, . _ - : / @ and the wildcards * ? (no spaces).',
    });
    expect(
      checkProjectMoney(ID, {
        monthlyBudget: '',
        prices: [
          { ...emptyPriceRow, glob: 'm', input: '1', output: '1' },
          { ...emptyPriceRow, glob: 'm', input: '2', output: '2' },
        ],
      }),
    ).toEqual({
      ok: false,
      errors: { 'price.1.glob': 'This model is priced twice.' },
    });
  });

  it('puts the server’s issues next to their fields', () => {
    const values = { monthlyBudget: '1', prices: [{ glob: 'gpt-4o*', input: '1', output: '1', cached: '' }] };
    expect(
      fieldErrorsFrom(
        [
          { path: 'prices.gpt-4o*.output_per_mtok', message: 'must be at most 1000000' },
          { path: 'monthly_budget_usd', message: 'too big' },
        ],
        projectMoneyFieldOf(values),
      ),
    ).toEqual({
      'price.0.output': 'Must be at most 1000000.',
      monthlyBudget: 'Too big.',
    });
  });
});
