// The Tokens screen at scale: working tokens first, search and state filter, a token's name, quota and
// models edited in place, a new token minted from another's policy, and the copy-once dialog that asks
// before it throws an uncopied token away.
import { expect, test } from './support/fixtures.ts';
import { expectNoSidewaysScroll } from './support/layout.ts';
import { goTo, signIn } from './support/screens.ts';
import { rpc, seed } from './support/seed.ts';

test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

test('find, edit and duplicate tokens; the new one is not lost by accident', async ({ page, server, upstream }) => {
  // A seeded server and every screen (or a server restart): more than the default minute on a busy machine.
  test.slow();
  await seed(server, upstream.url);
  await signIn(page, server.url, server.managementToken);
  await goTo(page, 'Tokens');
  const rows = page.getByRole('table').getByRole('row');
  await expect(rows.filter({ hasText: 'claude-code session' })).toContainText('17 / 20');

  // Active tokens come first, the revoked one last.
  const states = await page.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => tr.className.match(/token-(\w+)$/)?.[1]));
  expect(states.indexOf('revoked')).toBe(states.length - 1);
  expect(states.slice(0, states.lastIndexOf('active') + 1).every((s) => s === 'active')).toBe(true);

  // Search by project name, then by part of a token name; the state counts follow the search.
  const search = page.getByRole('searchbox', { name: 'Search tokens' });
  await search.fill('coding-agents');
  await expect(rows).toHaveCount(3);
  await search.fill('demo');
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(1)).toContainText('shared demo');
  await expect(page.getByRole('group', { name: 'State' }).getByRole('button', { name: /Revoked/ })).toContainText('1');
  await page
    .getByRole('group', { name: 'State' })
    .getByRole('button', { name: /Active/ })
    .click();
  await expect(page.getByText('No tokens match')).toBeVisible();
  await page.getByRole('group', { name: 'State' }).getByRole('button', { name: /All/ }).click();
  await search.fill('');

  // Edit in place: every wrong field is named at once, and each message goes as soon as it is fixed.
  const laptop = rows.filter({ hasText: 'notebook on laptop' });
  await laptop.getByRole('button', { name: 'Edit notebook on laptop' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit “notebook on laptop”' });
  await edit.getByLabel('Max requests').fill('many');
  await edit.getByLabel('Allowed models').fill('gpt 4o; x');
  await edit.getByRole('button', { name: 'Save' }).click();
  await expect(edit.getByText('Must be a whole number, or empty for no limit.')).toBeVisible();
  await expect(edit.getByText('May hold letters')).toBeVisible();
  await expect(edit.getByLabel('Max requests')).toBeFocused();
  await edit.getByLabel('Max requests').fill('800');
  await expect(edit.getByText('Must be a whole number, or empty for no limit.')).toHaveCount(0);
  await expect(edit.getByText('May hold letters')).toBeVisible();
  await edit.getByLabel('Allowed models').fill('gpt-4o-mini, gpt-4.1-*');
  await edit.getByLabel('Name').fill('notebook on desktop');
  await expectNoSidewaysScroll(page, 'Edit token dialog');
  await edit.getByRole('button', { name: 'Save' }).click();
  await expect(edit).toBeHidden();
  const desktop = rows.filter({ hasText: 'notebook on desktop' });
  await expect(desktop).toContainText('12 / 800');
  await expect(desktop).toContainText('gpt-4o-mini, gpt-4.1-*');
  const saved = (await rpc(server, 'tokens.list', {})).find((t) => t.name === 'notebook on desktop');
  expect(saved).toMatchObject({ max_requests: 800, allowed_models: ['gpt-4o-mini', 'gpt-4.1-*'], rpm_limit: 60 });

  // Mint from that token's policy ("mint another like this" in its Edit dialog).
  await desktop.getByRole('button', { name: 'Edit notebook on desktop' }).click();
  await page.getByRole('button', { name: 'mint another like this' }).click();
  const mint = page.getByRole('dialog', { name: 'Mint a token' });
  await expect(mint.getByLabel('Max requests')).toHaveValue('800');
  await expect(mint.getByLabel('Allowed models')).toHaveValue('gpt-4o-mini, gpt-4.1-*');
  await expect(mint.getByLabel('Requests per minute')).toHaveValue('60');
  await expect(mint.getByLabel('Lifetime unit')).toHaveValue('hours');
  await expect(mint.getByRole('textbox', { name: 'Lifetime' })).toHaveValue('8');
  await mint.getByLabel('Name').fill('second laptop');
  await mint.getByRole('button', { name: 'Mint token' }).click();

  // The copy-once dialog: Escape without copying asks; going back keeps the token; after a copy, Done closes.
  const created = page.getByRole('dialog', { name: 'Copy your token now' });
  const token = await created.getByTestId('created-token').inputValue();
  await page.keyboard.press('Escape');
  await expect(created.getByText('Close without copying the token?')).toBeVisible();
  await expect(created.getByRole('button', { name: 'Go back to the token' })).toBeFocused();
  await created.getByRole('button', { name: 'Go back to the token' }).click();
  await expect(created.getByTestId('created-token')).toHaveValue(token);
  await created.getByRole('button', { name: 'Close', exact: true }).click();
  await expect(created.getByText('Close without copying the token?')).toBeVisible();
  await page.keyboard.press('Escape');
  await created.getByRole('button', { name: 'Copy token' }).click();
  await created.getByRole('button', { name: 'Done, I have copied it' }).click();
  await expect(page.getByRole('dialog')).toHaveCount(0);
  const copy = (await rpc(server, 'tokens.list', {})).find((t) => t.name === 'second laptop');
  expect(copy).toMatchObject({ max_requests: 800, allowed_models: ['gpt-4o-mini', 'gpt-4.1-*'], rpm_limit: 60, tpm_limit: 20000, max_concurrent: 2 });
});
