// A team in the browser: the owner adds an operator for one project on the Admins screen and copies
// its token once; the operator signs in with it, sees its name in the sidebar, only its project and
// only what its role allows, mints a token there, and finds its actions in Audit under admin:<name>.
// A viewer sees everything and can change nothing. A removed admin's session ends on the next call.
import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures.ts';
import { goTo, signIn } from './support/screens.ts';

test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

/** On a narrow window the screens and Sign out are folded behind "Menu". */
async function unfoldMenu(page: Page) {
  const menu = page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Menu' });
  if ((await menu.isVisible()) && (await menu.getAttribute('aria-expanded')) === 'false') await menu.click();
}

async function signOut(page: Page) {
  await unfoldMenu(page);
  await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Sign out' }).click();
}

async function signInAs(page: Page, url: string, token: string, landing: string) {
  await page.goto(`${url}/admin/`);
  await page.getByLabel('Management token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: landing, level: 1 })).toBeVisible();
}

async function addAdmin(page: Page, opts: { name: string; role: 'Operator' | 'Viewer'; project?: string }): Promise<string> {
  await goTo(page, 'Admins');
  await page.getByRole('button', { name: 'New admin' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'New admin' });
  await dialog.getByLabel('Name').fill(opts.name);
  await dialog.getByLabel('Role').selectOption({ label: opts.role });
  if (opts.project) await dialog.getByRole('checkbox', { name: opts.project }).check();
  await dialog.getByRole('button', { name: 'Add admin' }).click();
  const created = page.getByRole('dialog', { name: 'Copy the token now' });
  const token = await created.getByTestId('created-admin-token').inputValue();
  expect(token).toMatch(/^llmp_admin_/);
  await created.getByRole('button', { name: 'Copy token' }).click();
  await created.getByRole('button', { name: 'Done' }).click();
  await expect(created).toBeHidden();
  // Once closed, only the masked token is left.
  await expect(page.getByTestId(`admin-${opts.name}`)).toContainText(`llmp_admin_…${token.slice(-4)}`);
  await expect(page.locator('body')).not.toContainText(token);
  return token;
}

test('owner hands out an operator and a viewer token; each sees only what its role allows; removal ends a session', async ({
  page,
  server,
  upstream,
  consoleWatch,
}) => {
  // Three people sign in one after the other: a long journey.
  test.slow();
  // The projects come from the API: this journey is about who may do what with them.
  for (const [name, key] of [
    ['team-a', 'sk-team-a-upstream-key-1111'],
    ['team-b', 'sk-team-b-upstream-key-2222'],
  ]) {
    const res = await fetch(`${server.url}/manage/projects`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.managementToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name, api_key: key, base_url: upstream.url }),
    });
    expect(res.status).toBe(201);
  }
  await signIn(page, server.url, server.managementToken);
  await expect(page.getByTestId('signed-in-as')).toContainText('management · Owner');
  const operatorToken = await addAdmin(page, { name: 'olga', role: 'Operator', project: 'team-a' });
  const viewerToken = await addAdmin(page, { name: 'vera', role: 'Viewer' });

  // The operator: its project only, no Dashboard, Settings or Admins, no project or key actions.
  await signOut(page);
  await signInAs(page, server.url, operatorToken, 'Projects');
  const nav = page.getByRole('navigation', { name: 'Screens' });
  await expect(page.getByTestId('signed-in-as')).toContainText('olga · Operator');
  await expect(nav.locator('.nav a')).toHaveText(['Projects', 'Tokens', 'Requests', 'Cache', 'Audit']);
  await expect(page.getByRole('listitem', { name: 'team-a' })).toBeVisible();
  await expect(page.getByRole('listitem', { name: 'team-b' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'New project' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Keys of team-a' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Rename' })).toHaveCount(0);
  await goTo(page, 'Tokens');
  await page.getByRole('button', { name: 'Mint token' }).first().click();
  const mint = page.getByRole('dialog', { name: 'Mint a token' });
  await mint.getByLabel('Name').fill('olga-script');
  await mint.getByRole('button', { name: 'Mint token' }).click();
  const created = page.getByRole('dialog', { name: 'Copy your token now' });
  await created.getByRole('button', { name: 'Copy token' }).click();
  await created.getByRole('button', { name: 'Done' }).click();
  await expect(page.getByRole('button', { name: 'Revoke olga-script' })).toBeVisible();
  await goTo(page, 'Audit');
  await page.getByLabel('Actor').fill('admin:olga');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.locator('.audit-row').first()).toContainText('admin:olga');

  // The viewer: every screen but Admins, and no action that changes anything.
  await signOut(page);
  await signInAs(page, server.url, viewerToken, 'Dashboard');
  await expect(page.getByTestId('signed-in-as')).toContainText('vera · Viewer');
  await expect(nav.locator('.nav a')).toHaveText(['Dashboard', 'Projects', 'Tokens', 'Requests', 'Cache', 'Audit', 'Settings']);
  await expect(page.getByRole('link', { name: 'Mint token' })).toHaveCount(0);
  await goTo(page, 'Tokens');
  await expect(page.getByText('olga-script')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Mint token' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Revoke olga-script' })).toHaveCount(0);
  await goTo(page, 'Projects');
  await expect(page.getByRole('listitem', { name: 'team-b' })).toBeVisible();
  await page.getByRole('button', { name: 'Keys of team-a' }).click();
  const keys = page.getByRole('dialog', { name: 'Keys of “team-a”' });
  await expect(keys).toContainText('sk-…1111');
  await expect(keys.getByRole('button', { name: 'Add key' })).toHaveCount(0);
  await expect(keys.getByRole('button', { name: /Rotate|Remove|Disable/ })).toHaveCount(0);
  await keys.getByRole('button', { name: 'Close' }).first().click();
  await goTo(page, 'Cache');
  await expect(page.getByRole('button', { name: 'Purge…' })).toHaveCount(0);

  // Removed by the owner (through the API, as another person would): the viewer's next call signs it out.
  const admins = (await (await fetch(`${server.url}/manage/admins`, { headers: { authorization: `Bearer ${server.managementToken}` } })).json()) as {
    id: string;
    name: string;
  }[];
  const vera = admins.find((a) => a.name === 'vera')!;
  expect(
    (await fetch(`${server.url}/manage/admins/${vera.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${server.managementToken}` } })).status,
  ).toBe(204);
  consoleWatch.allow(/Failed to load resource: the server responded with a status of 401/);
  await unfoldMenu(page);
  await nav.getByRole('link', { name: 'Projects' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await expect(page.getByRole('alert')).toContainText('Sign in again');
});
