// The whole story in a browser: sign in, create a project pointing at a mock provider, mint a token,
// copy it, use it with the openai SDK, watch its usage rise, revoke it, see the 401, find it all in Audit.
import fs from 'node:fs';
import OpenAI from 'openai';
import { expect, test } from './support/fixtures.ts';
import { createProject, goTo, mintToken, signIn } from './support/screens.ts';

test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

test('a wrong management token gets a clear error and no access', async ({ page, server, consoleWatch }) => {
  // The browser logs the refused sign-in's 401 as a failed resource; that one is expected.
  consoleWatch.allow(/Failed to load resource: the server responded with a status of 401.*\/manage\/rpc\/admins\.me/);
  await page.goto(`${server.url}/admin/`);
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('Enter the management token.');
  await page.getByLabel('Management token').fill('not-the-token');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('This server did not accept that token. Check it and try again.');
  await expect(page.getByRole('navigation', { name: 'Screens' })).toHaveCount(0);

  await page.getByLabel('Management token').fill(server.managementToken);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Dashboard', level: 1 })).toBeVisible();
  // The token lives in memory only: nothing in storage or cookies, and a reload asks again.
  const stored = await page.evaluate(() => JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage }, cookie: document.cookie }));
  expect(stored).not.toContain(server.managementToken);
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
});

test('project → token → SDK calls → usage → revoke → 401 → audit → CSV', async ({ page, server, upstream }) => {
  await signIn(page, server.url, server.managementToken);
  await createProject(page, { name: 'research', baseUrl: upstream.url, apiKey: 'sk-test-upstream-key-wxyz' });
  await expect(page.getByRole('listitem', { name: 'research' })).toContainText('sk-…wxyz');

  const token = await mintToken(page, { name: 'notebook', lifetime: '2', unit: 'hours', maxRequests: '10', models: 'gpt-4o-mini' });
  const created = page.getByRole('dialog', { name: 'Copy your token now' });
  await expect(created.getByTestId('created-snippet')).toHaveText(`OPENAI_BASE_URL=${server.url}/v1 OPENAI_API_KEY=${token}`);
  await expect(created.getByTestId('created-exec')).toHaveText(/^llm-proxy exec --project \S+ -- <command>$/);
  await created.getByRole('button', { name: 'Copy token' }).click();
  await expect(created.getByRole('button', { name: 'Copied', exact: true })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
  await created.getByRole('button', { name: 'Copy snippet' }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`OPENAI_BASE_URL=${server.url}/v1 OPENAI_API_KEY=${token}`);
  await created.getByRole('button', { name: 'Done, I have copied it' }).click();
  await expect(created).toBeHidden();

  const row = page.getByRole('row').filter({ hasText: 'notebook' });
  await expect(row).toContainText('Active');
  await expect(row).toContainText('0 / 10');

  const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: token, maxRetries: 0 });
  for (let i = 0; i < 3; i++) {
    const answer = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `hello ${i}` }] });
    expect(answer.choices[0]?.message.content).toBe('Hello from the mock.');
  }
  expect(upstream.received.at(-1)?.headers.authorization).toBe('Bearer sk-test-upstream-key-wxyz');
  // The screen refreshes on its own; usage is flushed every 50 ms.
  await expect(row).toContainText('3 / 10');

  await row.getByRole('button', { name: 'Revoke notebook' }).click();
  const confirm = page.getByRole('dialog', { name: 'Revoke “notebook”?' });
  await confirm.getByRole('button', { name: 'Revoke token' }).click();
  await expect(confirm).toBeHidden();
  await expect(page.getByRole('status').filter({ hasText: 'Token “notebook” revoked' })).toBeVisible();
  await expect(row).toContainText('Revoked');

  const refused = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'again' }] }).catch((err: unknown) => err);
  expect(refused).toBeInstanceOf(OpenAI.AuthenticationError);
  expect((refused as InstanceType<typeof OpenAI.APIError>).status).toBe(401);

  await goTo(page, 'Audit');
  const table = page.getByRole('table');
  for (const label of ['Project created', 'Token minted', 'Token revoked', 'Request refused']) {
    await expect(table.getByRole('button', { name: label }).first()).toBeVisible();
  }

  // Filter by outcome, open the refused request, follow it to the token's trail.
  await page.getByLabel('Outcome').selectOption('denied');
  await page.getByRole('button', { name: 'Apply' }).click();
  // One denied event left, whatever the layout (the phone layout stacks rows and hides the header row).
  await expect(table.getByRole('button', { name: 'Request refused' })).toHaveCount(1);
  await expect(table.getByRole('button', { name: 'Token minted' })).toHaveCount(0);
  await table.getByRole('button', { name: 'Request refused' }).click();
  const event = page.getByRole('dialog', { name: 'Request refused' });
  await expect(event).toContainText('proxy.refused');
  await expect(event).toContainText('"reason": "token_revoked"');
  await event.getByRole('link', { name: 'notebook' }).click();
  await expect(event).toBeHidden();
  await expect(page.getByLabel('Token')).toHaveValue(/.+/);
  await expect(table.getByRole('button', { name: 'Token minted' })).toBeVisible();
  await expect(table.getByRole('button', { name: 'Project created' })).toHaveCount(0);

  // CSV of the current filter (this token's events).
  const downloadPromise = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  const download = await downloadPromise;
  expect(download.suggestedFilename()).toMatch(/^llm-proxy-audit-.*\.csv$/);
  const csv = fs.readFileSync(await download.path(), 'utf8');
  const lines = csv.trim().split(/\r\n/);
  expect(lines[0]).toBe('id,time,action,outcome,actor,target_type,target_id,project_id,token_id,request_id,client_ip,details');
  expect(csv).toContain(',token.create,success,');
  expect(csv).toContain(',token.revoke,success,');
  expect(csv).toContain(',proxy.refused,denied,');
  expect(csv).not.toContain('project.create');
  expect(csv).not.toContain(token);
});
