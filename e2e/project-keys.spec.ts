// A project's upstream keys and transformations in a browser: open Keys, add a second key (only ever
// seen masked), disable the first, see the proxy use the second, edit the transformations and see them
// saved and applied.
import path from 'node:path';
import OpenAI from 'openai';
import { expect, test } from './support/fixtures.ts';
import { createProject, SCREENSHOTS, signIn } from './support/screens.ts';
import { rpc } from './support/seed.ts';

const FIRST_KEY = 'sk-e2e-first-key-aaaa';
const SECOND_KEY = 'sk-e2e-second-key-bbbb';

test('keys: add a second key masked, disable the first; transformations: edit and save', async ({ page, server, upstream }) => {
  await signIn(page, server.url, server.managementToken);
  await createProject(page, { name: 'failover', baseUrl: upstream.url, apiKey: FIRST_KEY });
  const row = page.getByRole('listitem', { name: 'failover' });
  await expect(row).toContainText('sk-…aaaa');

  // Keys: one key, which can be neither removed nor disabled.
  await row.getByRole('button', { name: 'Keys of failover' }).click();
  const keys = page.getByRole('dialog', { name: 'Keys of “failover”' });
  const table = keys.getByRole('table', { name: 'Upstream keys of failover' });
  const first = table.getByRole('row', { name: 'default' });
  await expect(first).toContainText('sk-…aaaa');
  await expect(first).toContainText('Enabled');
  await expect(first).toContainText('Healthy');
  await expect(first.getByRole('button', { name: 'Remove default' })).toBeDisabled();
  await expect(first.getByRole('button', { name: 'Disable default' })).toBeDisabled();

  // Add a second key: typed into a password field, shown back masked only.
  await keys.getByRole('button', { name: 'Add key' }).click();
  const add = page.getByRole('dialog', { name: 'Add an upstream key' });
  await expect(add.getByLabel('Label')).toBeFocused();
  await add.getByLabel('Label').fill('team-b');
  await add.getByLabel('Weight').fill('3');
  await expect(add.getByLabel('API key')).toHaveAttribute('type', 'password');
  await add.getByLabel('API key').fill(SECOND_KEY);
  await add.getByRole('button', { name: 'Add key' }).click();
  await expect(add).toBeHidden();
  await expect(page.getByRole('status').filter({ hasText: 'Key “team-b” added' })).toBeVisible();
  const second = table.getByRole('row', { name: 'team-b' });
  await expect(second).toContainText('sk-…bbbb');
  await expect(second).toContainText('75% of requests');
  expect(await page.content()).not.toContain(SECOND_KEY);

  // Disable the first: the proxy uses only the second from the next request.
  await first.getByRole('button', { name: 'Disable default' }).click();
  await expect(first).toContainText('Disabled');
  await expect(second).toContainText('100% of requests');
  await expect(second.getByRole('button', { name: 'Disable team-b' })).toBeDisabled();

  const project = (await rpc(server, 'projects.list', {})).find((p) => p.name === 'failover')!;
  expect(project).toMatchObject({ key_count: 2, api_key: 'sk-…aaaa' });
  const { token } = await rpc(server, 'tokens.create', { project_id: project.id, duration_minutes: 10 });
  const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: token, maxRetries: 0 });
  await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
  expect(upstream.received.at(-1)?.headers.authorization).toBe(`Bearer ${SECOND_KEY}`);
  // The table refreshes on its own.
  await expect(second.getByRole('cell').nth(4)).toHaveText(/^1/);
  await page.screenshot({ path: path.join(SCREENSHOTS, '16-project-keys-1280.png') });

  await keys.getByRole('button', { name: 'Close' }).last().click();
  await expect(keys).toBeHidden();
  await expect(row).toContainText('+1');

  // Transformations: a refused header first, shown at its field, then a valid set saved.
  await row.getByRole('button', { name: 'Edit transformations of failover' }).click();
  const transform = page.getByRole('dialog', { name: 'Transformations of “failover”' });
  await transform.getByLabel('Headers to set').fill('Authorization: Bearer nope');
  await transform.getByRole('button', { name: 'Save transformations' }).click();
  await expect(transform.getByText(/Authorization cannot be set or removed/)).toBeVisible();
  await expect(transform.getByLabel('Headers to set')).toHaveAttribute('aria-invalid', 'true');

  await transform.getByLabel('Default model').fill('gpt-4o-mini');
  await transform.getByLabel('Model aliases').fill('fast = gpt-4o-mini\nsmart = gpt-4o');
  await transform.getByLabel('Max tokens ceiling').fill('500');
  await transform.getByLabel('Headers to set').fill('x-team: research');
  await transform.getByLabel('Headers to remove').fill('x-debug');
  await transform.getByLabel('System prompt prefix').fill('Answer briefly.');
  await page.screenshot({ path: path.join(SCREENSHOTS, '17-project-transformations-1280.png') });
  await transform.getByRole('button', { name: 'Save transformations' }).click();
  await expect(transform).toBeHidden();
  await expect(page.getByRole('status').filter({ hasText: 'Transformations of “failover” saved' })).toBeVisible();
  await expect(row).toContainText('default gpt-4o-mini · 2 aliases · max 500 tokens · 1 header set · 1 header removed · system prompt prefix');

  // Saved on the server, and shown again when the dialog reopens.
  expect((await rpc(server, 'projects.get', { id: project.id })).transformations).toEqual({
    default_model: 'gpt-4o-mini',
    model_aliases: { fast: 'gpt-4o-mini', smart: 'gpt-4o' },
    max_tokens_ceiling: 500,
    set_headers: { 'x-team': 'research' },
    remove_headers: ['x-debug'],
    system_prompt_prefix: 'Answer briefly.',
  });
  await row.getByRole('button', { name: 'Edit transformations of failover' }).click();
  await expect(transform.getByLabel('Model aliases')).toHaveValue('fast = gpt-4o-mini\nsmart = gpt-4o');
  await expect(transform.getByLabel('Headers to set')).toHaveValue('x-team: research');
  await page.keyboard.press('Escape');
  await expect(transform).toBeHidden();

  // Applied from the next request.
  await client.chat.completions.create({ model: 'fast', messages: [{ role: 'user', content: 'hi' }] });
  const sent = upstream.received.at(-1)!;
  expect(JSON.parse(sent.body).model).toBe('gpt-4o-mini');
  expect(sent.headers['x-team']).toBe('research');
});
