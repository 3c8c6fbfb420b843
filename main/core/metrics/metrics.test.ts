// GET /metrics through the real app: Prometheus text exposition that a parser reads, counters that match
// the requests sent (by project, status class, cache), limiter hits, upstream errors, the event backlog
// and process metrics; the management token unless metricsPublic.
import net from 'node:net';
import OpenAI from 'openai';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../testing/mock-upstream.ts';
import { startTestApp, type TestApp } from '../testing/test-app.ts';

let upstream: MockUpstream;
const apps: TestApp[] = [];

beforeEach(async () => {
  upstream = await startMockUpstream();
});

afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
  await upstream.close();
});

async function start(overrides: Parameters<typeof startTestApp>[0] = {}): Promise<TestApp> {
  const app = await startTestApp(overrides);
  apps.push(app);
  return app;
}

async function scrape(app: TestApp, token: string | null = app.managementToken) {
  const res = await fetch(`${app.url}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, contentType: res.headers.get('content-type'), text: await res.text() };
}

/** A port nothing listens on (for an upstream that refuses connections). */
async function closedPort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * A histogram's `_count` summed over the series that carry `labels`. Read from the text itself:
 * parse-prometheus-text-format validates every line but keeps the labels of unlabelled histograms only.
 */
function histogramCount(text: string, name: string, labels: Record<string, string>): number {
  let total = 0;
  for (const line of text.split('\n')) {
    const match = new RegExp(`^${name}_count\\{(.*)\\} (\\S+)$`).exec(line);
    if (!match) continue;
    const seen = Object.fromEntries([...match[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => seen[k] === v)) total += Number(match[2]);
  }
  return total;
}

function sample(families: ReturnType<typeof parsePrometheusTextFormat>, name: string, labels: Record<string, string>): number {
  const family = families.find((f) => f.name === name);
  if (!family) return 0;
  return family.metrics
    .filter((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))
    .reduce((sum, m) => sum + Number(m.value ?? m.count ?? 0), 0);
}

describe('GET /metrics', () => {
  it('counts every request by project, status class and cache; limiter hits; upstream errors', async () => {
    const t = await start({ eventLog: undefined });
    const project = (await t.manage('POST', '/manage/projects', { name: 'metrics', api_key: 'sk-metrics-key', base_url: upstream.url })).json;
    const broken = (
      await t.manage('POST', '/manage/projects', { name: 'broken', api_key: 'sk-broken-key', base_url: `http://127.0.0.1:${await closedPort()}` })
    ).json;
    const token = (await t.manage('POST', '/manage/tokens', { project_id: project.id, duration_minutes: 60 })).json.token;
    const limited = (await t.manage('POST', '/manage/tokens', { project_id: project.id, duration_minutes: 60, rpm_limit: 2 })).json.token;
    const brokenToken = (await t.manage('POST', '/manage/tokens', { project_id: broken.id, duration_minutes: 60 })).json.token;

    const client = (key: string) => new OpenAI({ baseURL: `${t.url}/v1`, apiKey: key, maxRetries: 0 });
    const ask = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'hi' }] };
    for (let i = 0; i < 7; i++) await client(token).chat.completions.create(ask);
    for (let i = 0; i < 2; i++) for await (const part of await client(token).chat.completions.create({ ...ask, stream: true })) void part;
    for (let i = 0; i < 3; i++) await expect(client('llmp_unknown').models.list()).rejects.toMatchObject({ status: 401 });
    await client(limited).chat.completions.create(ask);
    await client(limited).chat.completions.create(ask);
    await expect(client(limited).chat.completions.create(ask)).rejects.toMatchObject({ status: 429 });
    await expect(client(brokenToken).chat.completions.create(ask)).rejects.toMatchObject({ status: 502 });

    expect((await scrape(t, null)).status).toBe(401);
    expect((await scrape(t, 'wrong-token')).status).toBe(401);
    const { status, contentType, text } = await scrape(t);
    expect(status).toBe(200);
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    const families = parsePrometheusTextFormat(text);

    const requests = (labels: Record<string, string>) => sample(families, 'llm_proxy_requests_total', labels);
    expect(requests({ project: project.id, status_class: '2xx' })).toBe(11);
    expect(requests({ project: project.id, status_class: '4xx' })).toBe(1);
    expect(requests({ project: 'none', status_class: '4xx' })).toBe(3);
    expect(requests({ project: broken.id, status_class: '5xx' })).toBe(1);
    expect(requests({})).toBe(16);
    expect(histogramCount(text, 'llm_proxy_request_duration_seconds', { project: project.id, status_class: '2xx' })).toBe(11);
    expect(histogramCount(text, 'llm_proxy_request_duration_seconds', {})).toBe(16);
    expect(histogramCount(text, 'llm_proxy_upstream_duration_seconds', { project: project.id })).toBe(11);
    expect(sample(families, 'llm_proxy_limit_refusals_total', { project: project.id, code: 'rate_limited' })).toBe(1);
    expect(sample(families, 'llm_proxy_upstream_errors_total', { project: broken.id, code: 'upstream_unreachable' })).toBe(1);
    expect(sample(families, 'llm_proxy_llm_tokens_total', { project: project.id, kind: 'prompt' })).toBeGreaterThanOrEqual(9 * 11);
    expect(sample(families, 'llm_proxy_event_queue_pending', {})).toBe(0);
    expect(families.find((f) => f.name === 'llm_proxy_request_duration_seconds')?.type).toBe('HISTOGRAM');
    // Node's process metrics come along.
    expect(families.map((f) => f.name)).toEqual(expect.arrayContaining(['process_cpu_user_seconds_total', 'nodejs_heap_size_used_bytes', 'llm_proxy_info']));
    // The management token never appears in the exposition.
    expect(text).not.toContain(t.managementToken);
  });

  it('reports each dispatcher backlog, and is public with metricsPublic', async () => {
    const t = await start({ metricsPublic: true, eventWebhook: `http://127.0.0.1:${await closedPort()}/hook`, events: { backoffMs: 60_000, batchDelayMs: 1 } });
    const project = (await t.manage('POST', '/manage/projects', { name: 'backlog', api_key: 'sk-backlog-key', base_url: upstream.url })).json;
    const token = (await t.manage('POST', '/manage/tokens', { project_id: project.id, duration_minutes: 60 })).json.token;
    const client = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: token, maxRetries: 0 });
    for (let i = 0; i < 3; i++) await client.models.list();
    const { status, text } = await scrape(t, null);
    expect(status).toBe(200);
    const families = parsePrometheusTextFormat(text);
    expect(sample(families, 'llm_proxy_event_dispatch_lag_events', { dispatcher: 'webhook' })).toBe(3);
    expect(sample(families, 'llm_proxy_event_dead_letters', { dispatcher: 'webhook' })).toBe(0);
  });
});
