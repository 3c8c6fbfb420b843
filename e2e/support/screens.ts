// Steps the specs share: signing in, creating a project, minting a token and reading it from the dialog.
import path from 'node:path';
import { expect, type Page } from '@playwright/test';

export const SCREENSHOTS = path.resolve(import.meta.dirname, '../../artifacts/screenshots');

export async function signIn(page: Page, serverUrl: string, managementToken: string): Promise<void> {
  await page.goto(`${serverUrl}/admin/`);
  await page.getByLabel('Management token').fill(managementToken);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Dashboard', level: 1 })).toBeVisible();
}

export async function goTo(page: Page, screen: 'Dashboard' | 'Projects' | 'Tokens' | 'Cache' | 'Audit' | 'Settings' | 'Admins'): Promise<void> {
  const nav = page.getByRole('navigation', { name: 'Screens' });
  // On a narrow window the screen list is folded behind "Menu".
  const menu = nav.getByRole('button', { name: 'Menu' });
  if ((await menu.isVisible()) && (await menu.getAttribute('aria-expanded')) === 'false') await menu.click();
  await nav.getByRole('link', { name: screen }).click();
  await expect(page.getByRole('heading', { name: screen, level: 1 })).toBeVisible();
}

export async function createProject(page: Page, opts: { name: string; baseUrl: string; apiKey: string }): Promise<void> {
  await goTo(page, 'Projects');
  await page.getByRole('button', { name: 'New project' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'New project' });
  await dialog.getByLabel('Name').fill(opts.name);
  await dialog.getByLabel('Upstream base URL').fill(opts.baseUrl);
  await dialog.getByLabel('Upstream API key').fill(opts.apiKey);
  await dialog.getByRole('button', { name: 'Create project' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('listitem', { name: opts.name })).toBeVisible();
}

export interface MintOptions {
  project?: string;
  name?: string;
  lifetime?: string;
  unit?: 'minutes' | 'hours' | 'days';
  maxRequests?: string;
  models?: string;
}

/** Mints a token and leaves the copy-once dialog open; returns the token read from it. */
export async function mintToken(page: Page, opts: MintOptions = {}): Promise<string> {
  await goTo(page, 'Tokens');
  await page.getByRole('button', { name: 'Mint token' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Mint a token' });
  if (opts.project) await dialog.getByLabel('Project').selectOption({ label: opts.project });
  if (opts.name) await dialog.getByLabel('Name').fill(opts.name);
  if (opts.lifetime) await dialog.getByRole('textbox', { name: 'Lifetime' }).fill(opts.lifetime);
  if (opts.unit) await dialog.getByLabel('Lifetime unit').selectOption(opts.unit);
  if (opts.maxRequests) await dialog.getByLabel('Max requests').fill(opts.maxRequests);
  if (opts.models) await dialog.getByLabel('Allowed models').fill(opts.models);
  await dialog.getByRole('button', { name: 'Mint token' }).click();
  const created = page.getByRole('dialog', { name: 'Copy your token now' });
  await expect(created).toBeVisible();
  const token = await created.getByTestId('created-token').inputValue();
  expect(token).toMatch(/^llmp_/);
  return token;
}
