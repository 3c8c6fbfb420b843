// Spend in the usage history through the real server and the openai SDK: per day and model, priced answers
// in USD (the project's own prices: 0.016 USD a chat of 16 tokens) and unpriced ones counted, never $0.
import OpenAI from 'openai';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../testing/mock-upstream.ts';
import { ManualClock, startTestApp, type TestApp } from '../testing/test-app.ts';

const DAY_MS = 86_400_000;
let upstream: MockUpstream;
let t: TestApp;

beforeEach(async () => {
  upstream = await startMockUpstream();
});
afterEach(async () => {
  await t.close();
  await upstream.close();
});

it('usage.daily carries spend_usd and unpriced answers per day and per model, the same as the token answer', async () => {
  const clock = new ManualClock(Date.UTC(2026, 4, 10, 12, 0, 0));
  t = await startTestApp({ clock });
  const project = (
    await t.manage('POST', '/manage/projects', {
      name: 'spend-history',
      api_key: 'sk-upstream-spend-1234',
      base_url: upstream.url,
      provider: 'openai-compatible',
      prices: { 'gpt-4o*': { input_per_mtok: 1000, output_per_mtok: 1000 } },
    })
  ).json;
  const token = (await t.manage('POST', '/manage/tokens', { project_id: project.id, duration_minutes: 60 * 24 * 30 })).json;
  const client = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: token.token, maxRetries: 0 });
  const chat = (model: string) => client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] });

  await chat('gpt-4o-mini');
  await chat('gpt-4o');
  await t.app.flush();
  clock.advance(DAY_MS);
  await chat('gpt-4o-mini');
  await chat('my-local-llama');
  await chat('my-local-llama');
  await t.app.flush();

  const view = (await t.manage('POST', '/manage/rpc/usage.daily', { group_by: 'token', days: 3 })).json.value;
  expect(view.days).toEqual(['2026-05-09', '2026-05-10', '2026-05-11']);
  const [row] = view.rows;
  expect(row).toMatchObject({ id: token.id, requests: [0, 2, 3], spend_usd: [0, 0.032, 0.016], unpriced_requests: [0, 0, 2] });
  expect(row.total).toMatchObject({ requests: 5, spend_usd: 0.048, unpriced_requests: 2 });
  expect(row.models).toEqual([
    { model: 'gpt-4o-mini', spend_usd: [0, 0.016, 0.016], unpriced_requests: [0, 0, 0], total: { spend_usd: 0.032, unpriced_requests: 0 } },
    { model: 'gpt-4o', spend_usd: [0, 0.016, 0], unpriced_requests: [0, 0, 0], total: { spend_usd: 0.016, unpriced_requests: 0 } },
    { model: 'my-local-llama', spend_usd: [0, 0, 0], unpriced_requests: [0, 0, 2], total: { spend_usd: 0, unpriced_requests: 2 } },
  ]);
  expect((await t.manage('GET', `/manage/tokens/${token.id}`)).json.spend_usd).toBe(row.total.spend_usd);

  const byProject = (await t.manage('POST', '/manage/rpc/usage.daily', { group_by: 'project', days: 1 })).json.value;
  expect(byProject.rows).toEqual([expect.objectContaining({ id: project.id, spend_usd: [0.016], unpriced_requests: [2] })]);
  expect(byProject.rows[0].models.map((m: { model: string }) => m.model)).toEqual(['gpt-4o-mini', 'my-local-llama']);
});
