// Issue 20 end to end: cost per request, spend and budgets through the real server, the official openai SDK
// and the mock provider (16 tokens per chat answer). Prices are the project's own (1000 USD per million
// tokens: 0.016 USD a chat) so the arithmetic is exact; the catalogue's are tested in price-catalogue.test.ts.
import { randomBytes } from 'node:crypto';
import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { startWebhookReceiver, type WebhookReceiver } from '../events/test-support.ts';
import { startMockUpstream, type MockUpstream } from '../testing/mock-upstream.ts';
import { startTestApp, type TestApp } from '../testing/test-app.ts';

const PRICES = { 'gpt-4o*': { input_per_mtok: 1000, output_per_mtok: 1000 } };
const CHAT_USD = 0.016;

let upstream: MockUpstream;
let receiver: WebhookReceiver;

beforeEach(async () => {
  upstream = await startMockUpstream();
  receiver = await startWebhookReceiver();
});
afterEach(async () => {
  await receiver.close();
  await upstream.close();
});

async function start(more: Parameters<typeof startTestApp>[0] = {}): Promise<TestApp> {
  const app = await startTestApp({ eventWebhook: receiver.url, ...more });
  onTestFinished(() => app.close());
  return app;
}

async function project(t: TestApp, body: Record<string, unknown> = {}): Promise<Record<string, any>> {
  const res = await t.manage('POST', '/manage/projects', {
    name: `p-${randomBytes(3).toString('hex')}`,
    api_key: 'sk-upstream-money-1234',
    base_url: upstream.url,
    prices: PRICES,
    ...body,
  });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  return res.json;
}

async function token(t: TestApp, projectId: string, extra: Record<string, unknown> = {}): Promise<{ id: string; token: string }> {
  const res = await t.manage('POST', '/manage/tokens', { project_id: projectId, duration_minutes: 60, ...extra });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  return res.json;
}

function client(t: TestApp, key: string): OpenAI {
  return new OpenAI({ baseURL: `${t.url}/v1`, apiKey: key, maxRetries: 0 });
}

/** 'ok', or the error code the proxy answered with. */
async function chat(t: TestApp, key: string, model = 'gpt-4o-mini'): Promise<string> {
  try {
    await client(t, key).chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] });
    return 'ok';
  } catch (err) {
    if (err instanceof OpenAI.APIError) {
      if (err.status === 429) expect(err.headers?.get('x-should-retry')).toBe('false');
      return `${err.status} ${err.code}`;
    }
    throw err;
  }
}

const spendOf = async (t: TestApp, tokenId: string) => (await t.manage('GET', `/manage/tokens/${tokenId}`)).json.spend_usd as number;

describe('cost on every request event', () => {
  it('prices with the project override, the catalogue, 0 for a local model, null when unpriced', async () => {
    const t = await start();
    const own = await project(t);
    const catalogue = await project(t, { prices: undefined });
    const local = await project(t, { provider: 'openai-compatible', prices: { 'llama*': { input_per_mtok: 0, output_per_mtok: 0 } } });
    expect(own.prices).toEqual(PRICES);
    expect(local.prices).toEqual({ 'llama*': { input_per_mtok: 0, output_per_mtok: 0 } });
    const calls: [string, string][] = [
      [(await token(t, own.id)).token, 'gpt-4o-mini'],
      [(await token(t, catalogue.id)).token, 'gpt-4o-mini'],
      [(await token(t, local.id)).token, 'llama3'],
      [(await token(t, catalogue.id)).token, 'mystery-model'],
    ];
    for (const [key, model] of calls) expect(await chat(t, key, model)).toBe('ok');
    await receiver.waitForRequests(4);
    const costs = receiver.events.map((e) => [e.model, e.cost_usd]);
    // gpt-4o-mini in the catalogue: 11 input at $0.15 and 5 output at $0.60 per million.
    expect(costs).toEqual([
      ['gpt-4o-mini', CHAT_USD],
      ['gpt-4o-mini', 0.00000465],
      ['llama3', 0],
      ['mystery-model', null],
    ]);
  });

  it('refuses bad prices and budgets with validation_failed', async () => {
    const t = await start();
    const bad = await t.manage('POST', '/manage/projects', {
      name: 'bad',
      api_key: 'sk-x-12345678',
      base_url: upstream.url,
      prices: { 'gpt 4': { input_per_mtok: -1, output_per_mtok: 1 } },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.code).toBe('validation_failed');
    const p = await project(t);
    const zero = await t.manage('POST', '/manage/tokens', { project_id: p.id, duration_minutes: 60, max_budget_usd: 0 });
    expect(zero.status).toBe(400);
    expect(zero.json.code).toBe('validation_failed');
  });
});

describe('budgets', () => {
  it('admits a token while its spend is below max_budget_usd, then 429 budget_exceeded; spend is the same in the API and /metrics', async () => {
    const t = await start();
    const p = await project(t);
    const tok = await token(t, p.id, { max_budget_usd: 0.05 });
    const outcomes: string[] = [];
    for (let i = 0; i < 6; i++) outcomes.push(await chat(t, tok.token));
    // Spent before each: 0, .016, .032, .048 (< .05: admitted), then .064.
    expect(outcomes).toEqual(['ok', 'ok', 'ok', 'ok', '429 budget_exceeded', '429 budget_exceeded']);
    await vi.waitFor(async () => expect(await spendOf(t, tok.id)).toBeCloseTo(4 * CHAT_USD, 9));
    const view = (await t.manage('GET', `/manage/tokens/${tok.id}`)).json;
    expect(view.max_budget_usd).toBe(0.05);
    const projectView = (await t.manage('GET', `/manage/projects/${p.id}`)).json;
    expect(projectView.spend_usd).toBe(view.spend_usd);
    expect(projectView.month_spend_usd).toBe(view.spend_usd);
    const metrics = await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${t.managementToken}` } }).then((r) => r.text());
    const line = metrics.split('\n').find((l) => l.startsWith(`llm_proxy_spend_usd_total{project="${p.id}",model="gpt-4o-mini"}`));
    expect(Number(line?.split(' ').at(-1))).toBe(view.spend_usd);

    // Raising the budget applies from the next request.
    expect((await t.manage('PATCH', `/manage/tokens/${tok.id}`, { max_budget_usd: 0.1 })).status).toBe(200);
    expect(await chat(t, tok.token)).toBe('ok');
  });

  it("refuses once the project's monthly budget is spent, for every token of the project", async () => {
    const t = await start();
    const p = await project(t, { monthly_budget_usd: 0.03 });
    expect(p.monthly_budget_usd).toBe(0.03);
    const [a, b] = [await token(t, p.id), await token(t, p.id)];
    expect([await chat(t, a.token), await chat(t, b.token), await chat(t, a.token), await chat(t, b.token)]).toEqual([
      'ok',
      'ok',
      '429 budget_exceeded',
      '429 budget_exceeded',
    ]);
    await vi.waitFor(async () => expect((await t.manage('GET', `/manage/projects/${p.id}`)).json.month_spend_usd).toBeCloseTo(2 * CHAT_USD, 9));
  });

  it('under concurrency, overshoots by at most the requests in flight, and stops after', async () => {
    const t = await start();
    const p = await project(t);
    const tok = await token(t, p.id, { max_budget_usd: 0.05 });
    const outcomes = await Promise.all(Array.from({ length: 12 }, () => chat(t, tok.token)));
    const ok = outcomes.filter((o) => o === 'ok').length;
    expect(ok).toBeGreaterThanOrEqual(4);
    expect(outcomes.filter((o) => o !== 'ok').every((o) => o === '429 budget_exceeded')).toBe(true);
    expect(await chat(t, tok.token)).toBe('429 budget_exceeded');
    await vi.waitFor(async () => expect(await spendOf(t, tok.id)).toBeCloseTo(ok * CHAT_USD, 9));
  });

  it('holds exactly across two instances on one store', async () => {
    const managementToken = 'mgmt-money-instances-' + randomBytes(16).toString('hex');
    const a = await start({ managementToken });
    const b = await start({ managementToken, dataDir: a.dataDir, databaseFile: `${a.dataDir}/llm-proxy.db` });
    const p = await project(a);
    const tok = await token(a, p.id, { max_budget_usd: 0.05 });
    const outcomes: string[] = [];
    for (let i = 0; i < 6; i++) outcomes.push(await chat(i % 2 ? b : a, tok.token));
    expect(outcomes).toEqual(['ok', 'ok', 'ok', 'ok', '429 budget_exceeded', '429 budget_exceeded']);
  });
});
