// Keyboard use: sign in with Enter, dialogs take focus, Esc closes them and focus returns, a refused
// form puts focus on the field to fix.
import { expect, test } from './support/fixtures.ts';
import { goTo } from './support/screens.ts';

test('dialogs and forms work from the keyboard', async ({ page, server }) => {
  await page.goto(`${server.url}/admin`);
  await expect(page).toHaveURL(`${server.url}/admin/`);
  await expect(page.getByLabel('Management token')).toBeFocused();
  await page.keyboard.type(server.managementToken);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Dashboard', level: 1 })).toBeVisible();

  await goTo(page, 'Projects');
  const newProject = page.getByRole('button', { name: 'New project' }).first();
  await newProject.focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'New project' });
  await expect(dialog.getByLabel('Name')).toBeFocused();

  // Submitting with Enter refuses the empty form and puts focus on the first field to fix.
  await page.keyboard.press('Enter');
  await expect(dialog.getByText('Must not be empty.').first()).toBeVisible();
  await expect(dialog.getByLabel('Name')).toBeFocused();
  await expect(dialog.getByLabel('Name')).toHaveAttribute('aria-invalid', 'true');

  // Tab stays inside the modal.
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => !!document.activeElement?.closest('dialog'))).toBe(true);
  }

  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(newProject).toBeFocused();
});

test('the admin screens are served with a strict policy', async ({ request, server }) => {
  const index = await request.get(`${server.url}/admin/`);
  expect(index.status()).toBe(200);
  expect(index.headers()['content-security-policy']).toContain("script-src 'self'");
  expect(index.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
  expect(index.headers()['x-frame-options']).toBe('DENY');
  expect(index.headers()['cache-control']).toBe('no-store');
  const html = await index.text();
  expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  expect(html).not.toMatch(/\sstyle=/);
  const asset = /src="\.\/(assets\/[^"]+\.js)"/.exec(html)?.[1];
  expect(asset).toBeTruthy();
  const js = await request.get(`${server.url}/admin/${asset}`);
  expect(js.headers()['cache-control']).toBe('public, max-age=31536000, immutable');
});
