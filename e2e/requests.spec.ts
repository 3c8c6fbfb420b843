// The Requests screen: find one token's calls among everyone's traffic, open one to see its details,
// narrow to refusals, and export what the filter matches as CSV — metadata only, never a prompt.
import fs from 'node:fs';
import { expect, test } from './support/fixtures.ts';
import { expectNoSidewaysScroll } from './support/layout.ts';
import { signIn } from './support/screens.ts';
import { rpc, seed } from './support/seed.ts';

test("find one token's calls, open one, export them as CSV", async ({ page, server, upstream }) => {
  test.slow(); // the seed sends some fifty requests before the journey starts
  await seed(server, upstream.url);
  const ci = (await rpc(server, 'tokens.list', {})).find((t) => t.name === 'CI review bot')!;
  await signIn(page, server.url, server.managementToken);
  const nav = page.getByRole('navigation', { name: 'Screens' });
  const menu = nav.getByRole('button', { name: 'Menu' });
  if ((await menu.isVisible()) && (await menu.getAttribute('aria-expanded')) === 'false') await menu.click();
  await nav.getByRole('link', { name: 'Requests' }).click();
  await expect(page.getByRole('heading', { name: 'Requests', level: 1 })).toBeVisible();
  const rows = page.locator('tbody tr');
  await expect(page.getByRole('navigation', { name: 'Pages' })).toContainText(/of \d+ events/);

  // One token's calls: the CI bot sent five gpt-4o chats and one o3 its policy refused.
  const filters = page.getByRole('form', { name: 'Filter requests' });
  await filters.getByLabel('Token').selectOption({ label: `CI review bot (${ci.token})` });
  await filters.getByRole('button', { name: 'Apply' }).click();
  await expect(rows).toHaveCount(6);
  await expect(page.getByRole('navigation', { name: 'Pages' })).toContainText('1–6 of 6');
  await expect(rows.filter({ hasText: 'gpt-4o' })).toHaveCount(5);
  await expect(rows.filter({ hasText: 'o3' })).toContainText('403 model_not_allowed');
  await expect(rows.filter({ hasText: 'CI review bot' })).toHaveCount(6);
  await expectNoSidewaysScroll(page, 'Requests screen');

  // The detail panel of an answered call: usage, the key that answered, the request id.
  await rows.filter({ hasText: '200' }).first().getByRole('button').click();
  const detail = page.getByRole('dialog', { name: 'Request' });
  await expect(detail).toContainText('POST /v1/chat/completions');
  await expect(detail).toContainText('11 / 5');
  await expect(detail).toContainText('default');
  await expect(detail).not.toContainText('sk-proj-agents');
  await detail.getByRole('button', { name: 'Close', exact: true }).last().click();
  await expect(detail).toBeHidden();

  // Only the refusal.
  await filters.getByLabel('Status').selectOption('4xx');
  await filters.getByRole('button', { name: 'Apply' }).click();
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('o3');

  // Export the token's calls (every status) as CSV.
  await filters.getByLabel('Status').selectOption('');
  await filters.getByRole('button', { name: 'Apply' }).click();
  await expect(rows).toHaveCount(6);
  const downloadPromise = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  const download = await downloadPromise;
  expect(download.suggestedFilename()).toMatch(/^llm-proxy-requests-.*\.csv$/);
  const lines = fs
    .readFileSync(await download.path(), 'utf8')
    .trim()
    .split(/\r\n/);
  expect(lines[0]).toBe(
    'request_id,time,token_id,project_id,method,path,model,status,error_code,prompt_tokens,completion_tokens,cost_usd,latency_ms,upstream_ms,cache,upstream_key,streamed,aborted,attempts,id',
  );
  expect(lines).toHaveLength(7);
  expect(lines.slice(1).every((line) => line.includes(ci.id))).toBe(true);
  expect(lines.join('\n')).not.toContain('sk-proj');
  await expect(page.getByText('Exported 6 requests as CSV')).toBeVisible();
});
