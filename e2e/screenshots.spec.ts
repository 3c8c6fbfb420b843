// Every screen, dialog and state photographed at 1280×800 and 1024×768 into artifacts/screenshots/,
// to look at before calling the design done. Also checks the layout does not overflow at 1024 px.
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures.ts';
import { goTo, SCREENSHOTS, signIn } from './support/screens.ts';
import { seed } from './support/seed.ts';

const SIZES = [
  { width: 1280, height: 800 },
  { width: 1024, height: 768 },
];

async function shoot(page: Page, name: string): Promise<void> {
  const { width } = page.viewportSize() ?? { width: 0 };
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-${width}.png`), animations: 'disabled' });
  // Nothing may stick out sideways at this width.
  const overflowing = await page.evaluate(() =>
    [document.documentElement, ...document.querySelectorAll('.table-wrap, .panel, .dialog')]
      .filter((el) => el.scrollWidth > el.clientWidth)
      .map((el) => `${el.className || el.tagName} by ${el.scrollWidth - el.clientWidth}px`),
  );
  expect(overflowing, `${name} overflows horizontally at ${width}px`).toEqual([]);
}

for (const size of SIZES) {
  test.describe(`at ${size.width}px`, () => {
    test.use({ viewport: size });

    test('empty server: sign-in, empty states', async ({ page, server }) => {
      await page.goto(`${server.url}/admin/`);
      await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
      await shoot(page, '01-sign-in');
      await signIn(page, server.url, server.managementToken);
      await shoot(page, '02-dashboard-empty');
      await goTo(page, 'Projects');
      await expect(page.getByText('No projects yet')).toBeVisible();
      await shoot(page, '03-projects-empty');
      await goTo(page, 'Tokens');
      await expect(page.getByText('No tokens yet')).toBeVisible();
      await shoot(page, '04-tokens-empty');
    });

    // The busy server's screens in three journeys, each on its own seeded server, so they run side by
    // side and none needs a long timeout (one journey through all of them took over 60 s on a busy machine).
    test('busy server: dashboard and projects', async ({ page, server, upstream }) => {
      await seed(server, upstream.url);
      await signIn(page, server.url, server.managementToken);
      await expect(page.getByText('Recent activity')).toBeVisible();
      await shoot(page, '10-dashboard');

      await goTo(page, 'Projects');
      await expect(page.getByRole('listitem', { name: 'coding-agents' })).toBeVisible();
      await shoot(page, '11-projects');
      await page.getByRole('button', { name: 'New project' }).click();
      await page.getByRole('dialog', { name: 'New project' }).getByRole('button', { name: 'Create project' }).click();
      await expect(page.getByText('Must not be empty.').first()).toBeVisible();
      await shoot(page, '12-project-new-invalid');
      await page.keyboard.press('Escape');
      await page.getByRole('listitem', { name: 'research-notebooks' }).getByRole('button', { name: 'Deactivate' }).click();
      await shoot(page, '13-project-deactivate');
      await page.keyboard.press('Escape');
      const agents = page.getByRole('listitem', { name: 'coding-agents' });
      await expect(agents).toContainText('per token 120/min, 40k tok/min · shared 600/min (by upstream key)');
      await agents.getByRole('button', { name: 'Edit limits of coding-agents' }).click();
      const projectLimits = page.getByRole('dialog', { name: 'Limits of “coding-agents”' });
      await expect(projectLimits.getByRole('group', { name: 'Shared budget' }).getByLabel('Requests per minute')).toHaveValue('600');
      await shoot(page, '14-project-limits');
      await projectLimits.getByLabel('Budget name').fill('team a');
      await projectLimits.getByRole('button', { name: 'Save limits' }).click();
      await expect(projectLimits.getByText('Use only letters, digits')).toBeVisible();
      await expect(projectLimits.getByLabel('Budget name')).toBeFocused();
      await shoot(page, '15-project-limits-invalid');
      await projectLimits.getByLabel('Budget name').fill('team-a');
      await projectLimits.getByRole('button', { name: 'Save limits' }).click();
      await expect(projectLimits).toBeHidden();
      await expect(agents).toContainText('shared 600/min (budget “team-a”)');
    });

    test('busy server: tokens', async ({ page, server, upstream }) => {
      await seed(server, upstream.url);
      await signIn(page, server.url, server.managementToken);
      await goTo(page, 'Tokens');
      await expect(page.getByRole('row').filter({ hasText: 'claude-code session' })).toContainText('17 / 20');
      await shoot(page, '20-tokens');
      await page.getByRole('button', { name: 'Mint token' }).click();
      await shoot(page, '21-token-mint');
      const mint = page.getByRole('dialog', { name: 'Mint a token' });
      await mint.getByLabel('Name').fill('design review');
      await mint.getByLabel('Allowed models').fill('gpt-4o-mini, gpt-4.1-*');
      await mint.getByLabel('Max requests').fill('250');
      await mint.getByLabel('Requests per minute').fill('60');
      await mint.getByLabel('Tokens per minute').fill('20000');
      await mint.getByLabel('Max concurrent').fill('2');
      await mint.getByRole('button', { name: 'Mint token' }).click();
      await expect(page.getByRole('dialog', { name: 'Copy your token now' })).toBeVisible();
      await expect(page.getByRole('dialog', { name: 'Copy your token now' })).toContainText('60 requests a minute · 20,000 tokens a minute · 2 at once');
      await shoot(page, '22-token-created');
      await page.keyboard.press('Escape');
      await expect(page.getByText('Close without copying the token?')).toBeVisible();
      await shoot(page, '22-token-created-confirm');
      await page.getByRole('button', { name: 'Close without copying' }).click();
      await expect(page.getByRole('dialog')).toHaveCount(0);

      const laptop = page.getByRole('row').filter({ hasText: 'notebook on laptop' });
      await expect(laptop).toContainText('60/min · 20k tok/min · 2 at once');
      await expect(page.getByRole('row').filter({ hasText: 'CI review bot' })).toContainText('default 120/min · 40k tok/min');
      await expect(
        page
          .getByRole('row')
          .filter({ hasText: 'shared demo' })
          .getByRole('button', { name: /Edit limits/ }),
      ).toHaveCount(0);
      await laptop.getByRole('button', { name: 'Edit limits of notebook on laptop' }).click();
      const tokenLimits = page.getByRole('dialog', { name: 'Limits of “notebook on laptop”' });
      await tokenLimits.getByLabel('Tokens per minute').fill('30000');
      await tokenLimits.getByLabel('Requests per minute').fill('');
      await shoot(page, '23-token-limits');
      await tokenLimits.getByRole('button', { name: 'Save limits' }).click();
      await expect(tokenLimits).toBeHidden();
      await expect(page.getByText('Limits of “notebook on laptop” saved')).toBeVisible();
      await expect(laptop).toContainText('30k tok/min · 2 at once');
    });

    test('busy server: audit and settings', async ({ page, server, upstream }) => {
      await seed(server, upstream.url);
      await signIn(page, server.url, server.managementToken);
      await goTo(page, 'Audit');
      await expect(page.getByRole('table')).toBeVisible();
      await shoot(page, '30-audit');
      await page.getByRole('table').getByRole('button', { name: 'Request refused' }).first().click();
      await expect(page.getByRole('dialog', { name: 'Request refused' })).toContainText('Details');
      await shoot(page, '31-audit-event');
      await page.keyboard.press('Escape');

      await goTo(page, 'Settings');
      await expect(page.getByText('Schema version')).toBeVisible();
      await shoot(page, '40-settings');
    });
  });
}

test('dark scheme', async ({ page, server, upstream }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await seed(server, upstream.url);
  await signIn(page, server.url, server.managementToken);
  await goTo(page, 'Tokens');
  await expect(page.getByRole('row').filter({ hasText: 'claude-code session' })).toContainText('17 / 20');
  await shoot(page, '50-tokens-dark');
  await goTo(page, 'Dashboard');
  await expect(page.getByText('Recent activity')).toBeVisible();
  await shoot(page, '51-dashboard-dark');
});
