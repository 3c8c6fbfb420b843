// Every screen and dialog at the project's window width (1280 desktop, 900 tray popup, 390 phone):
// usable without sideways scrolling, the screen list reachable (folded behind "Menu" on a phone).
import { expect, test } from './support/fixtures.ts';
import { expectNoSidewaysScroll } from './support/layout.ts';
import { goTo, signIn } from './support/screens.ts';
import { seed } from './support/seed.ts';

test('every screen and dialog fits the window', async ({ page, server, upstream }) => {
  // A seeded server and every screen (or a server restart): more than the default minute on a busy machine.
  test.slow();
  await seed(server, upstream.url);
  await page.goto(`${server.url}/admin/`);
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await expectNoSidewaysScroll(page, 'Sign-in');
  await signIn(page, server.url, server.managementToken);
  await expect(page.getByText('Recent activity')).toBeVisible();
  await expectNoSidewaysScroll(page, 'Dashboard');

  await goTo(page, 'Projects');
  const agents = page.getByRole('listitem', { name: 'coding-agents' });
  await expect(agents).toBeVisible();
  await expectNoSidewaysScroll(page, 'Projects');
  const deactivate = page.getByRole('listitem', { name: 'research-notebooks' }).getByRole('button', { name: 'Deactivate' });
  await deactivate.scrollIntoViewIfNeeded();
  await expect(deactivate).toBeInViewport({ ratio: 1 });
  await page.getByRole('button', { name: 'New project' }).first().click();
  await expectNoSidewaysScroll(page, 'New project dialog');
  await page.keyboard.press('Escape');
  await agents.getByRole('button', { name: 'Edit limits of coding-agents' }).click();
  await expect(page.getByRole('dialog', { name: 'Limits of “coding-agents”' })).toBeVisible();
  await expectNoSidewaysScroll(page, 'Project limits dialog');
  await page.keyboard.press('Escape');
  await agents.getByRole('button', { name: 'Keys of coding-agents' }).click();
  await expect(page.getByRole('dialog', { name: /Keys of/ })).toBeVisible();
  await expectNoSidewaysScroll(page, 'Keys dialog');
  await page.keyboard.press('Escape');

  await goTo(page, 'Tokens');
  const laptop = page.getByRole('row').filter({ hasText: 'notebook on laptop' });
  await expect(laptop).toContainText('12 / 500');
  await expectNoSidewaysScroll(page, 'Tokens');
  const revoke = laptop.getByRole('button', { name: 'Revoke notebook on laptop' });
  await revoke.scrollIntoViewIfNeeded();
  await expect(revoke).toBeInViewport({ ratio: 1 });
  // Whatever column was dropped for room is still said in the row.
  await expect(laptop).toContainText('research-notebooks');
  await page.getByRole('button', { name: 'Mint token' }).first().click();
  await expect(page.getByRole('dialog', { name: 'Mint a token' })).toBeVisible();
  await expectNoSidewaysScroll(page, 'Mint dialog');
  await page.keyboard.press('Escape');
  await laptop.getByRole('button', { name: 'Edit notebook on laptop' }).click();
  await expect(page.getByRole('dialog', { name: 'Edit “notebook on laptop”' })).toBeVisible();
  await expectNoSidewaysScroll(page, 'Edit token dialog');
  await page.keyboard.press('Escape');

  await goTo(page, 'Cache');
  await expectNoSidewaysScroll(page, 'Cache');
  await page.getByRole('button', { name: 'Purge…' }).click();
  await expect(page.getByRole('dialog', { name: 'Purge cached answers' })).toBeVisible();
  await expectNoSidewaysScroll(page, 'Purge dialog');
  await page.keyboard.press('Escape');

  await goTo(page, 'Audit');
  await expect(page.getByRole('table')).toBeVisible();
  await expectNoSidewaysScroll(page, 'Audit');
  await page.getByRole('table').getByRole('button', { name: 'Request refused' }).first().click();
  await expect(page.getByRole('dialog', { name: 'Request refused' })).toBeVisible();
  await expectNoSidewaysScroll(page, 'Audit event dialog');
  await page.keyboard.press('Escape');

  await goTo(page, 'Settings');
  await expect(page.getByText('Schema version')).toBeVisible();
  await expectNoSidewaysScroll(page, 'Settings');
});
