// Money on the screens (issue 20): a budget set on a token where its limits are edited, spend against it
// after calls through the openai SDK (the project's own prices: 0.016 USD a chat of 16 tokens), a model
// without a price said as "unpriced" (never $0), the Dashboard's spend by model, and a project's monthly
// budget and prices edited on the Projects screen. Nothing scrolls sideways.
import OpenAI from 'openai';
import { expect, test } from './support/fixtures.ts';
import { expectNoSidewaysScroll } from './support/layout.ts';
import { goTo, signIn } from './support/screens.ts';
import { rpc } from './support/seed.ts';

test('set a budget on a token, see spend against it after calls, edit a project budget and prices', async ({ page, server, upstream }) => {
  test.slow();
  const project = await rpc(server, 'projects.create', {
    name: 'money-journey',
    api_key: 'sk-upstream-money-journey',
    base_url: upstream.url,
    provider: 'openai-compatible',
    prices: { 'gpt-4o*': { input_per_mtok: 1000, output_per_mtok: 1000 } },
  });
  const token = await rpc(server, 'tokens.create', { project_id: project.id, duration_minutes: 600, name: 'budgeted agent' });

  await signIn(page, server.url, server.managementToken);
  await goTo(page, 'Tokens');
  const row = page.getByRole('row').filter({ hasText: 'budgeted agent' });
  await expect(row).toContainText('$0 spent · no budget');

  // The budget is edited where the token's other limits are.
  await row.getByRole('button', { name: /edit limits of budgeted agent/ }).click();
  const limits = page.getByRole('dialog', { name: 'Limits of “budgeted agent”' });
  await limits.getByLabel('Budget (USD)').fill('ten');
  await limits.getByRole('button', { name: 'Save limits' }).click();
  await expect(limits.getByText('Must be an amount in USD such as 5 or 0.25, or empty for no budget.')).toBeVisible();
  await limits.getByLabel('Budget (USD)').fill('1');
  await limits.getByRole('button', { name: 'Save limits' }).click();
  await expect(limits).toHaveCount(0);
  await expect(row).toContainText('$0 / $1.00');

  const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: token.token, maxRetries: 0 });
  const chat = (model: string) => client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] });
  await chat('gpt-4o-mini');
  await chat('gpt-4o-mini');
  await chat('my-local-llama');

  // Spend against the budget, as a bar; the answer without a price is "unpriced", not $0.
  await expect(row).toContainText('$0.032 + unpriced / $1.00', { timeout: 20_000 });
  await expect(row.getByRole('meter', { name: 'Budget spent by budgeted agent' })).toHaveAttribute('value', '0.032');
  expect((await rpc(server, 'tokens.get', { id: token.id })).spend_usd).toBe(0.032);
  await expectNoSidewaysScroll(page, 'Tokens with spend');

  await goTo(page, 'Dashboard');
  await expect(page.getByTestId('spend-today')).toHaveText('$0.032 + unpriced', { timeout: 15_000 });
  await expect(page.getByTestId('spend-month')).toHaveText('$0.032 + unpriced');
  const models = page.getByRole('table', { name: 'Spend by model' });
  await expect(models.getByRole('row').filter({ hasText: 'gpt-4o-mini' })).toContainText('$0.032');
  await expect(models.getByRole('row').filter({ hasText: 'my-local-llama' })).toContainText('unpriced');
  await expectNoSidewaysScroll(page, 'Dashboard with spend');

  await goTo(page, 'Projects');
  const item = page.getByRole('listitem', { name: 'money-journey' });
  await expect(item.getByTestId('project-spend')).toContainText('$0.032 + unpriced this month no monthly budget · $0.032 in all');
  await item.getByRole('button', { name: 'Edit budget and prices of money-journey' }).click();
  const money = page.getByRole('dialog', { name: 'Budget and prices of “money-journey”' });
  await expect(money.getByTestId('price-row')).toHaveCount(1);
  await money.getByLabel('Monthly budget (USD)').fill('10');
  await money.getByRole('button', { name: 'Add a price' }).click();
  const local = money.getByTestId('price-row').nth(1);
  await local.getByLabel('Model or pattern').fill('my-local-llama');
  await local.getByLabel('Input', { exact: true }).fill('0');
  await local.getByLabel('Output', { exact: true }).fill('0');
  await expectNoSidewaysScroll(page, 'Budget and prices dialog');
  await money.getByRole('button', { name: 'Save budget and prices' }).click();
  await expect(money).toHaveCount(0);
  await expect(item.getByTestId('project-spend')).toContainText('of $10.00');
  const saved = await rpc(server, 'projects.get', { id: project.id });
  expect(saved.monthly_budget_usd).toBe(10);
  expect(saved.prices['my-local-llama']).toEqual({ input_per_mtok: 0, output_per_mtok: 0 });
});
