// The live dashboard in a browser: its figures, charts and the last requests change while requests go
// through the proxy with the openai SDK; seven days of usage on the Tokens and Projects screens.
import path from 'node:path';
import OpenAI from 'openai';
import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures.ts';
import { goTo, SCREENSHOTS, signIn } from './support/screens.ts';
import { rpc } from './support/seed.ts';

const tile = (page: Page, name: string) => page.getByRole('group', { name }).getByTestId('live-value');

async function shoot(page: Page, name: string): Promise<void> {
  const { width } = page.viewportSize() ?? { width: 0 };
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-${width}.png`), animations: 'disabled' });
  // Nothing may stick out sideways at this width (the charts, the tables, the seven-day bars).
  const overflowing = await page.evaluate(() =>
    [document.documentElement, ...document.querySelectorAll('.table-wrap, .panel, .live-tiles, .project')]
      .filter((el) => el.scrollWidth > el.clientWidth)
      .map((el) => `${el.className || el.tagName} by ${el.scrollWidth - el.clientWidth}px`),
  );
  expect(overflowing, `${name} overflows horizontally at ${width}px`).toEqual([]);
}

for (const size of [
  { width: 1280, height: 900 },
  { width: 1024, height: 768 },
]) {
  test(`the dashboard follows traffic sent with the openai SDK (${size.width}px)`, async ({ page, server, upstream }) => {
    await page.setViewportSize(size);
    const project = await rpc(server, 'projects.create', { name: 'coding-agents', api_key: 'sk-live-agents-3c1d', base_url: upstream.url });
    const other = await rpc(server, 'projects.create', { name: 'research-notebooks', api_key: 'sk-live-research-7a2e', base_url: upstream.url });
    const token = await rpc(server, 'tokens.create', { project_id: project.id, duration_minutes: 120, name: 'claude-code session' });
    const limited = await rpc(server, 'tokens.create', { project_id: other.id, duration_minutes: 120, name: 'notebook on laptop', rpm_limit: 5 });

    await signIn(page, server.url, server.managementToken);
    const live = page.getByRole('region', { name: 'Live' });
    await expect(live.getByRole('status')).toHaveText(/live/);
    await expect(tile(page, 'Requests per second')).toHaveText('0');
    await expect(live.getByText('No requests yet.')).toBeVisible();

    // Traffic in the background while the test watches the screen.
    let sending = true;
    const agent = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: token.token, maxRetries: 0 });
    const notebook = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: limited.token, maxRetries: 0 });
    const traffic = (async () => {
      for (let i = 0; sending; i++) {
        await agent.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
        if (i % 3 === 0) await notebook.chat.completions.create({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'hi' }] }).catch(() => undefined);
        if (i % 5 === 0) await agent.embeddings.create({ model: 'text-embedding-3-small', input: 'x' });
      }
    })();

    try {
      await expect(tile(page, 'Requests per second')).not.toHaveText('0');
      await expect(tile(page, 'Latency p50')).toHaveText(/ms$/);
      // The notebook token runs into its 5 requests per minute: 429s show in the rate.
      await expect(tile(page, '429 rate')).toHaveText(/[1-9]/, { timeout: 20_000 });
      const requests = live.getByRole('table', { name: 'Last requests' });
      await expect(requests.getByRole('row').filter({ hasText: 'claude-code session' }).first()).toContainText('gpt-4o-mini');
      await expect(requests.getByRole('row').filter({ hasText: '429' }).first()).toContainText('notebook on laptop');
      const usage = live.getByRole('region', { name: 'Tokens used today' });
      await expect(usage.getByRole('listitem', { name: 'coding-agents' })).toContainText(/\d+ requests/);
      // A second later the figures have moved on.
      const note = page.getByRole('group', { name: 'Requests per second' }).locator('.stat-note');
      await expect(note).not.toHaveText(await note.innerText());
      await shoot(page, '40-dashboard-live');
    } finally {
      sending = false;
      await traffic;
    }

    await goTo(page, 'Tokens');
    const row = page.getByRole('row').filter({ hasText: 'claude-code session' });
    // The seven-day column gives way to the token's name on narrow windows, like Last used.
    if (size.width > 1180) {
      await expect(row.getByRole('img', { name: /Requests per day by claude-code session: [1-9]/ })).toBeVisible();
      await expect(row).toContainText(/[1-9]\d* req/);
    } else {
      await expect(row.getByRole('img', { name: /Requests per day/ })).toBeHidden();
    }
    await shoot(page, '41-tokens-week');
    await goTo(page, 'Projects');
    await expect(page.getByRole('listitem', { name: 'coding-agents' }).getByRole('img', { name: /Requests per day by coding-agents: [1-9]/ })).toBeVisible();
    await shoot(page, '42-projects-week');
  });
}

test.describe('dark scheme', () => {
  test.use({ colorScheme: 'dark', viewport: { width: 1280, height: 900 } });
  test('the live dashboard in the dark', async ({ page, server, upstream }) => {
    const project = await rpc(server, 'projects.create', { name: 'coding-agents', api_key: 'sk-live-agents-3c1d', base_url: upstream.url });
    const token = await rpc(server, 'tokens.create', { project_id: project.id, duration_minutes: 120, name: 'claude-code session' });
    const agent = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: token.token, maxRetries: 0 });
    await signIn(page, server.url, server.managementToken);
    let sending = true;
    const traffic = (async () => {
      while (sending) await agent.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    })();
    try {
      await expect(tile(page, 'Requests per second')).not.toHaveText('0');
      await expect(page.getByRole('table', { name: 'Last requests' })).toContainText('claude-code session');
      await shoot(page, '43-dashboard-live-dark');
    } finally {
      sending = false;
      await traffic;
    }
  });
});
