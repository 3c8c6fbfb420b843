// The Cache screen in a browser: figures and top endpoints for answers cached through the proxy, then
// purges by project and by URL prefix that empty exactly what they name, each in the audit trail.
import { expect, test } from './support/fixtures.ts';
import { rpc } from './support/seed.ts';
import path from 'node:path';
import { goTo, SCREENSHOTS, signIn } from './support/screens.ts';
import type { RunningServer } from './support/start-server.ts';

const OPT_IN = { 'cache-control': 'public, max-age=600' };
const EMBED = JSON.stringify({ model: 'text-embedding-3-small', input: 'same words', encoding_format: 'float' });
const CHAT = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });

/** One request through the proxy with the cache opt-in; answers X-Proxy-Cache. */
async function ask(server: RunningServer, token: string, path: '/v1/embeddings' | '/v1/chat/completions'): Promise<string | null> {
  const res = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...OPT_IN },
    body: path === '/v1/embeddings' ? EMBED : CHAT,
  });
  await res.arrayBuffer();
  return res.headers.get('x-proxy-cache');
}

test('see what the cache holds, purge one project, then one endpoint', async ({ page, server, upstream }) => {
  const alpha = await rpc(server, 'projects.create', { name: 'alpha', api_key: 'sk-alpha-0000', base_url: upstream.url });
  const beta = await rpc(server, 'projects.create', { name: 'beta', api_key: 'sk-beta-1111', base_url: upstream.url });
  const a = await rpc(server, 'tokens.create', { project_id: alpha.id, duration_minutes: 60 });
  const b = await rpc(server, 'tokens.create', { project_id: beta.id, duration_minutes: 60 });
  expect(await ask(server, a.token, '/v1/embeddings')).toBe('MISS');
  expect(await ask(server, a.token, '/v1/chat/completions')).toBe('MISS');
  expect(await ask(server, b.token, '/v1/embeddings')).toBe('MISS');
  expect(await ask(server, a.token, '/v1/embeddings')).toBe('HIT');

  await signIn(page, server.url, server.managementToken);
  await goTo(page, 'Cache');
  const figures = page.getByRole('region', { name: 'Cache figures' });
  await expect(figures).toContainText('Hit rate25 %1 hit · 3 misses');
  await expect(figures).toContainText('Entries3');
  await expect(figures).toContainText('StoreMemory');
  const endpoints = page.getByRole('region', { name: 'Top cached endpoints' });
  // Endpoint, entries, size, hits (the list's order is the store's; find each endpoint's row by name).
  const endpointRow = (name: string) => endpoints.getByRole('row').filter({ has: page.getByRole('cell', { name, exact: true }) });
  await expect(endpointRow('POST /v1/embeddings').getByRole('cell')).toHaveText(['POST /v1/embeddings', '2', /\d KiB$/, '1', 'Purge']);
  await expect(endpointRow('POST /v1/chat/completions').getByRole('cell')).toHaveText(['POST /v1/chat/completions', '1', /\d B|KiB$/, '0', 'Purge']);

  await page.screenshot({ path: path.join(SCREENSHOTS, 'cache-1280.png') });

  // A purge needs a project when the scope is one project.
  await page.getByRole('button', { name: 'Purge…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Purge cached answers' });
  // The narrowest choice is preselected; each choice says what it would delete, as far as the figures tell.
  await expect(dialog.getByRole('radio', { name: /One request URL/ })).toBeChecked();
  await expect(dialog.getByTestId('purge-count-all')).toHaveText('Would delete 3 entries');
  await expect(dialog.getByTestId('purge-count-project')).toHaveText('Would delete count per project not available');
  await dialog.getByRole('textbox', { name: 'URL', exact: true }).fill('/v1/embeddings');
  await expect(dialog.getByTestId('purge-count-url')).toHaveText('Would delete 2 entries');
  await dialog.getByLabel('A URL prefix').check();
  await dialog.getByRole('textbox', { name: 'URL prefix', exact: true }).fill('/v1/');
  await expect(dialog.getByTestId('purge-count-prefix')).toHaveText('Would delete 3 entries');
  await dialog.getByLabel('One project').check();
  await dialog.getByRole('button', { name: 'Purge' }).click();
  await expect(dialog.getByText('Choose a project.')).toBeVisible();
  await page.screenshot({ path: path.join(SCREENSHOTS, 'cache-purge-dialog-1280.png') });
  await dialog.getByRole('combobox', { name: 'Project' }).selectOption({ label: 'alpha' });
  await dialog.getByRole('button', { name: 'Purge' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('status').filter({ hasText: 'Purged 2 cached answers (everything of “alpha”)' })).toBeVisible();
  await expect(figures).toContainText('Entries1');
  expect(await ask(server, b.token, '/v1/embeddings')).toBe('HIT');
  expect(await ask(server, a.token, '/v1/chat/completions')).toBe('MISS');

  // The row's Purge opens the dialog with its path as the prefix.
  await page.reload();
  await signIn(page, server.url, server.managementToken);
  await goTo(page, 'Cache');
  await endpoints.getByRole('button', { name: 'Purge POST /v1/embeddings' }).click();
  await expect(dialog.getByRole('textbox', { name: 'URL prefix', exact: true })).toHaveValue('/v1/embeddings');
  await dialog.getByRole('button', { name: 'Purge' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Purged 1 cached answer (URLs starting with /v1/embeddings)' })).toBeVisible();
  await expect(figures).toContainText('Entries1');
  expect(await ask(server, b.token, '/v1/embeddings')).toBe('MISS');
  expect(await ask(server, a.token, '/v1/chat/completions')).toBe('HIT');

  const audit = await rpc(server, 'audit.list', { action: 'cache.purge' });
  expect(audit.events.map((e) => e.details).sort((x, y) => String(x.scope).localeCompare(String(y.scope)))).toEqual([
    { scope: 'prefix', prefix: '/v1/embeddings', deleted: 1 },
    { scope: 'project', project_id: alpha.id, deleted: 2 },
  ]);
});
