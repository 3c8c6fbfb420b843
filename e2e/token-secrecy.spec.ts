// A minted token is shown once: after the copy-once dialog closes it is in no API answer and nowhere
// in the page (markup, text, form values), whatever screen is opened next.
import type { Page, Response } from '@playwright/test';
import { expect, test } from './support/fixtures.ts';
import { createProject, goTo, mintToken, signIn } from './support/screens.ts';

function isRpc(response: Response, method?: string): boolean {
  const path = new URL(response.url()).pathname;
  return method ? path === `/manage/rpc/${method}` : path.startsWith('/manage/');
}

async function pageHolds(page: Page, secret: string): Promise<string[]> {
  const places: string[] = [];
  if ((await page.content()).includes(secret)) places.push('markup');
  const inPage = await page.evaluate((s) => {
    const found: string[] = [];
    if (document.body.innerText.includes(s)) found.push('text');
    for (const el of document.querySelectorAll('input, textarea')) if ((el as HTMLInputElement).value.includes(s)) found.push(`value of ${el.tagName}`);
    for (const el of document.querySelectorAll('*'))
      for (const attr of el.getAttributeNames()) if (el.getAttribute(attr)?.includes(s)) found.push(`attribute ${attr}`);
    if (location.href.includes(s)) found.push('url');
    if (document.title.includes(s)) found.push('title');
    return found;
  }, secret);
  return [...places, ...inPage];
}

test('the full token is shown once and is gone from answers and the page after the dialog closes', async ({ page, server, upstream }) => {
  const answers: { path: string; body: Promise<string>; afterClose: boolean }[] = [];
  let dialogClosed = false;
  page.on('response', (response) => {
    if (isRpc(response)) answers.push({ path: new URL(response.url()).pathname, body: response.text().catch(() => ''), afterClose: dialogClosed });
  });

  await signIn(page, server.url, server.managementToken);
  await createProject(page, { name: 'secrets', baseUrl: upstream.url, apiKey: 'sk-secret-upstream-9999' });
  const createAnswer = page.waitForResponse((r) => isRpc(r, 'tokens.create'));
  const token = await mintToken(page, { name: 'once' });
  expect(await (await createAnswer).text()).toContain(token);
  expect(await pageHolds(page, token)).not.toEqual([]);

  dialogClosed = true;
  // Nothing was copied: closing asks first, and the token goes only when that is confirmed.
  const created = page.getByRole('dialog', { name: 'Copy your token now' });
  await created.getByRole('button', { name: 'Done, I have copied it' }).click();
  await expect(created.getByText('Close without copying the token?')).toBeVisible();
  await created.getByRole('button', { name: 'Close without copying' }).click();
  await expect(page.getByRole('dialog')).toHaveCount(0);
  expect(await pageHolds(page, token)).toEqual([]);

  // Let the Tokens screen refresh itself at least twice, then visit every other screen.
  await page.waitForResponse((r) => isRpc(r, 'tokens.list'));
  await page.waitForResponse((r) => isRpc(r, 'tokens.list'));
  const row = page.getByRole('row').filter({ hasText: 'once' });
  await expect(row).toContainText(`llmp_…${token.slice(-4)}`);
  await goTo(page, 'Dashboard');
  await expect(page.getByText('Token minted').first()).toBeVisible();
  await goTo(page, 'Audit');
  await page.getByRole('table').getByRole('button', { name: 'Token minted' }).click();
  await expect(page.getByRole('dialog', { name: 'Token minted' })).toContainText('token.create');
  expect(await pageHolds(page, token)).toEqual([]);
  await page.keyboard.press('Escape');
  await goTo(page, 'Settings');
  await goTo(page, 'Tokens');
  await expect(row).toBeVisible();

  const carried: string[] = [];
  for (const answer of answers) if ((await answer.body).includes(token)) carried.push(answer.path);
  // Only the answer to tokens.create ever carried it; nothing after the dialog closed.
  expect(carried).toEqual(['/manage/rpc/tokens.create']);
  expect(answers.filter((a) => a.afterClose).length).toBeGreaterThan(5);
  expect(await pageHolds(page, token)).toEqual([]);
  // The upstream key never reached the browser either.
  expect(await pageHolds(page, 'sk-secret-upstream-9999')).toEqual([]);
});
