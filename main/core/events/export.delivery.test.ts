// The observability exporters through the real app: chats sent with the openai SDK reach a local OTLP
// collector as one GenAI span each, and a local Helicone endpoint as one log each — also when the receiver
// was down at first (at least once: everything arrives once it is back).
import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../testing/mock-upstream.ts';
import { startTestApp, type TestApp } from '../testing/test-app.ts';
import { startHeliconeReceiver, startOtlpReceiver, type HeliconeLogBody, type ReceivedSpan, type Receiver } from './export-receivers.ts';
import { OtlpSink } from './otlp-sink.ts';

const UPSTREAM_KEY = 'sk-proj-upstream-secret-export-41c7';
const HELICONE_KEY = 'sk-helicone-secret-key-5e9b';
const OTLP_SECRET = 'otlp-api-secret-77aa';
const PROMPT = 'export-prompt-never-sent-3f';
const FAST = { backoffMs: 20, maxBackoffMs: 100, maxAttempts: 1000, batchDelayMs: 5, webhookTimeoutMs: 1000 };
let upstream: MockUpstream;
let t: TestApp | null = null;

beforeEach(async () => {
  upstream = await startMockUpstream();
});

afterEach(async () => {
  await t?.close();
  t = null;
  await upstream.close();
});

/** Two chats, one stream and one refused request; resolves with the request ids answered. */
async function traffic(app: TestApp): Promise<{ ids: string[]; tokenId: string; projectId: string }> {
  const project = await app.manage('POST', '/manage/projects', { name: 'export', api_key: UPSTREAM_KEY, base_url: upstream.url });
  const token = await app.manage('POST', '/manage/tokens', { project_id: project.json.id, duration_minutes: 60 });
  const client = new OpenAI({ baseURL: `${app.url}/v1`, apiKey: token.json.token, maxRetries: 0 });
  const ids: string[] = [];
  for (const model of ['gpt-4o-mini', 'gpt-4o']) {
    const { response } = await client.chat.completions.create({ model, messages: [{ role: 'user', content: PROMPT }] }).withResponse();
    ids.push(response.headers.get('x-request-id')!);
  }
  const { data: stream, response } = await client.chat.completions
    .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: PROMPT }], stream: true, stream_options: { include_usage: true } })
    .withResponse();
  for await (const part of stream) void part;
  ids.push(response.headers.get('x-request-id')!);
  const refused = await fetch(`${app.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: 'Bearer llmp_unknown', 'content-type': 'application/json' },
    body: '{}',
  });
  ids.push(refused.headers.get('x-request-id')!);
  return { ids, tokenId: token.json.id, projectId: project.json.id };
}

/** Resolves once the dispatcher reported a failed attempt. */
const failedOnce = (app: TestApp, dispatcher: string) =>
  new Promise<string>((resolve) => app.app.events.onNotice((name, notice) => name === dispatcher && notice.type === 'failed' && resolve(notice.error)));

const distinct = (values: unknown[]) => new Set(values).size;

describe('OTLP exporter', () => {
  let collector: Receiver<ReceivedSpan>;
  beforeEach(async () => {
    collector = await startOtlpReceiver();
  });
  afterEach(() => collector.close());

  it('sends one GenAI span per request, with usage and cost, after the collector was down', async () => {
    await collector.down();
    t = await startTestApp({ otlpEndpoint: collector.url, otlpHeaders: { 'x-api-key': OTLP_SECRET }, otlpServiceName: 'proxy-under-test', events: FAST });
    const failed = failedOnce(t, 'otlp');
    const { ids, tokenId, projectId } = await traffic(t);
    expect(await failed).toBe('ECONNREFUSED');

    await collector.up();
    await collector.waitFor((spans) => distinct(spans.map((s) => s.attributes['llm_proxy.request_id'])) >= ids.length);
    const spans = collector.received;
    // At least once: a span may come twice, always the same span (same ids).
    const byEvent = new Map(spans.map((s) => [s.attributes['llm_proxy.event_id'], s]));
    expect(byEvent.size).toBe(ids.length);
    expect(distinct(spans.map((s) => `${s.traceId}/${s.spanId}`))).toBe(ids.length);
    expect(new Set(spans.map((s) => s.attributes['llm_proxy.request_id']))).toEqual(new Set(ids));
    expect(collector.headers.every((h) => h['x-api-key'] === OTLP_SECRET)).toBe(true);

    const log = (await t.manage('GET', '/manage/requests?page_size=10')).json.items as { request_id: string; cost_usd: number | null }[];
    const [first, second, streamed, refused] = ids.map((id) => [...byEvent.values()].find((s) => s.attributes['llm_proxy.request_id'] === id)!);
    expect(first).toMatchObject({
      name: 'chat gpt-4o-mini',
      kind: 3, // OTLP's SPAN_KIND_CLIENT
      resource: { 'service.name': 'proxy-under-test' },
      scope: 'llm-proxy',
      attributes: {
        'gen_ai.system': 'openai',
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.usage.input_tokens': 11,
        'gen_ai.usage.output_tokens': 5,
        'http.response.status_code': 200,
        'llm_proxy.token_id': tokenId,
        'llm_proxy.project_id': projectId,
      },
    });
    expect(first!.endMs).toBeGreaterThanOrEqual(first!.startMs);
    expect(second!.attributes['gen_ai.request.model']).toBe('gpt-4o');
    expect(streamed!.attributes).toMatchObject({ 'gen_ai.usage.input_tokens': 9, 'gen_ai.usage.output_tokens': 3, 'llm_proxy.streamed': true });
    expect(refused!.attributes).toMatchObject({ 'http.response.status_code': 401, 'error.type': expect.any(String) });
    expect(refused!.status.code).toBe(2); // STATUS_CODE_ERROR
    // The span's cost is the request log's (null, and absent from the span, for an unpriced model).
    for (const span of [first!, second!, streamed!]) {
      const cost = log.find((item) => item.request_id === span.attributes['llm_proxy.request_id'])!.cost_usd;
      expect(span.attributes['llm_proxy.cost_usd']).toBe(cost ?? undefined);
    }
    const text = JSON.stringify(spans) + t.logs() + JSON.stringify((await t.manage('POST', '/manage/rpc/events.status', {})).json);
    for (const secret of [PROMPT, UPSTREAM_KEY, OTLP_SECRET]) expect(text).not.toContain(secret);
  });

  it('carries the cost an event reports as llm_proxy.cost_usd', async () => {
    const sink = new OtlpSink({ url: collector.url, providerOf: async () => 'anthropic' });
    const event = {
      id: '0190a5c2-7b1e-7c3d-8e4f-123456789abc',
      request_id: 'r1',
      time: '2026-01-02T03:04:05.678Z',
      project_id: 'p',
      token_id: 't',
      method: 'POST',
      path: '/v1/messages',
      model: 'claude-haiku-4-5',
      status: 200,
      latency_ms: 250,
      prompt_tokens: 1000,
      completion_tokens: 200,
      cost_usd: 0.0018,
      cache: null,
      error: null,
    };
    await sink.deliver([JSON.stringify(event), 'not json']);
    await sink.close();
    expect(collector.received).toHaveLength(1);
    expect(collector.received[0]).toMatchObject({
      traceId: '0190a5c27b1e7c3d8e4f123456789abc',
      name: 'chat claude-haiku-4-5',
      startMs: Date.parse(event.time),
      endMs: Date.parse(event.time) + 250,
      attributes: { 'gen_ai.system': 'anthropic', 'gen_ai.usage.input_tokens': 1000, 'gen_ai.usage.output_tokens': 200, 'llm_proxy.cost_usd': 0.0018 },
    });
  });
});

describe('Helicone dispatcher', () => {
  let helicone: Receiver<HeliconeLogBody>;
  beforeEach(async () => {
    helicone = await startHeliconeReceiver();
  });
  afterEach(() => helicone.close());

  it('logs every request once Helicone is back, with the key as bearer and never a body', async () => {
    await helicone.down();
    t = await startTestApp({ heliconeApiKey: HELICONE_KEY, heliconeUrl: helicone.url, events: FAST });
    const failed = failedOnce(t, 'helicone');
    const { ids, tokenId } = await traffic(t);
    expect(await failed).toBe('ECONNREFUSED');

    await helicone.up();
    const requestIdOf = (log: HeliconeLogBody) => log.providerRequest.meta['Helicone-Property-Request-Id'];
    await helicone.waitFor((logs) => distinct(logs.map(requestIdOf)) >= ids.length);
    expect(new Set(helicone.received.map(requestIdOf))).toEqual(new Set(ids));
    expect(distinct(helicone.received.map((l) => l.providerRequest.meta['Helicone-Request-Id']))).toBe(ids.length);
    expect(helicone.headers.every((h) => h.authorization === `Bearer ${HELICONE_KEY}`)).toBe(true);

    const first = helicone.received.find((l) => requestIdOf(l) === ids[0])!;
    expect(first).toMatchObject({
      providerRequest: { url: 'custom-model-nopath', json: { model: 'gpt-4o-mini' }, meta: { 'Helicone-User-Id': tokenId } },
      providerResponse: { status: 200, json: { usage: { prompt_tokens: 11, completion_tokens: 5, total_tokens: 16 } } },
      timing: { startTime: { seconds: expect.any(Number), milliseconds: expect.any(Number) }, endTime: { seconds: expect.any(Number) } },
    });
    const refused = helicone.received.find((l) => requestIdOf(l) === ids[3])!;
    expect(refused.providerResponse).toMatchObject({ status: 401, json: { error: { code: expect.any(String) } } });

    const status = (await t.manage('POST', '/manage/rpc/events.status', {})).json.value;
    expect(status.dispatchers.find((d: { name: string }) => d.name === 'helicone')).toMatchObject({
      kind: 'helicone',
      target: `${new URL(helicone.url).origin}/…`,
    });
    const text = JSON.stringify(helicone.received) + t.logs() + JSON.stringify(status);
    for (const secret of [PROMPT, UPSTREAM_KEY]) expect(text).not.toContain(secret);
    expect(t.logs() + JSON.stringify(status)).not.toContain(HELICONE_KEY);
  });
});
