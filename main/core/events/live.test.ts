// The live dashboard over SSE and in process, and the daily usage rollups, through the real app.
import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LiveSnapshotView } from '../api/event-views.ts';
import { startMockUpstream, type MockUpstream } from '../testing/mock-upstream.ts';
import { ManualClock, startTestApp, type TestApp } from '../testing/test-app.ts';

let upstream: MockUpstream;
let t: TestApp;

beforeEach(async () => {
  upstream = await startMockUpstream();
});

afterEach(async () => {
  await t.close();
  await upstream.close();
});

async function setUp(app: TestApp, tokenName = 'dashboard tester') {
  const project = (await app.manage('POST', '/manage/projects', { name: 'live', api_key: 'sk-live-key', base_url: upstream.url })).json;
  const token = (await app.manage('POST', '/manage/tokens', { project_id: project.id, duration_minutes: 60 * 24 * 30, name: tokenName })).json;
  return { project, token, client: new OpenAI({ baseURL: `${app.url}/v1`, apiKey: token.token, maxRetries: 0 }) };
}

/** Reads `snapshot` events from an SSE response until `done` returns true for one. */
async function readSnapshots(res: Response, done: (s: LiveSnapshotView) => boolean): Promise<LiveSnapshotView> {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  try {
    for (;;) {
      const { value, done: ended } = await reader.read();
      if (ended) throw new Error('the stream ended');
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = frame.split('\n').find((line) => line.startsWith('data: '));
        if (!frame.includes('event: snapshot') || !data) continue;
        const snapshot = JSON.parse(data.slice(6)) as LiveSnapshotView;
        if (done(snapshot)) return snapshot;
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

describe('live dashboard', () => {
  it('streams snapshots over SSE whose figures follow the traffic', async () => {
    t = await startTestApp();
    const { project, token, client } = await setUp(t);
    expect((await fetch(`${t.url}/manage/stream/dashboard.live`)).status).toBe(401);
    expect((await t.manage('GET', '/manage/stream/nothing')).status).toBe(404);

    const res = await fetch(`${t.url}/manage/stream/dashboard.live`, { headers: { authorization: `Bearer ${t.managementToken}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const { response } = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
      ids.push(response.headers.get('x-request-id')!);
    }
    await expect(new OpenAI({ baseURL: `${t.url}/v1`, apiKey: 'llmp_nope', maxRetries: 0 }).models.list()).rejects.toMatchObject({ status: 401 });
    // Figures count complete seconds, so the requests show up within a second or two.
    const snapshot = await readSnapshots(res, (s) => s.current.requests >= 5);
    expect(snapshot.current).toMatchObject({ window_seconds: 10, requests: 5, error_rate: 0, rate_limited_rate: 0, cache_hit_rate: null });
    expect(snapshot.current.p50_ms).toBeGreaterThan(0);
    expect(snapshot.series.t).toHaveLength(60);
    expect(snapshot.series.requests.reduce((a, b) => a + b, 0)).toBe(5);
    expect(snapshot.recent).toHaveLength(5);
    expect(snapshot.recent[0]).toMatchObject({ status: 401, path: '/v1/models', token_name: null, error: 'invalid_api_key' });
    expect(snapshot.recent[1]).toMatchObject({
      request_id: ids[3],
      method: 'POST',
      path: '/v1/chat/completions',
      model: 'gpt-4o-mini',
      status: 200,
      token_id: token.id,
      token_name: 'dashboard tester',
      project_name: 'live',
    });
    expect(snapshot.projects).toEqual([
      expect.objectContaining({
        project_id: project.id,
        name: 'live',
        requests_today: 4,
        prompt_tokens_today: 44,
        completion_tokens_today: 20,
        requests_last_minute: 4,
      }),
    ]);
    expect(JSON.stringify(snapshot)).not.toContain(token.token);
  });

  it('hands snapshots to in-process listeners (the desktop IPC) and ends streams on shutdown', async () => {
    t = await startTestApp();
    const { client } = await setUp(t);
    const snapshots: LiveSnapshotView[] = [];
    const first = new Promise<void>((resolve) => {
      const stop = t.app.onSnapshot((s) => {
        snapshots.push(s);
        stop();
        resolve();
      });
    });
    await first;
    expect(snapshots[0]!.current.requests).toBe(0);
    await client.models.list();
    expect((await t.manage('POST', '/manage/rpc/dashboard.live', {})).json.value.recent).toHaveLength(1);

    const res = await fetch(`${t.url}/manage/stream/dashboard.live`, { headers: { authorization: `Bearer ${t.managementToken}` } });
    const reader = res.body!.getReader();
    await reader.read(); // the stream is open
    const end = (async () => {
      for (;;) if ((await reader.read()).done) return 'ended by the server';
    })().catch(() => 'cut off');
    await t.close();
    // Ended by the app as it shut down, not cut off when the 10 s drain gave up on it (which would be
    // an error on this side). How long shutdown takes is not asserted.
    expect(await end).toBe('ended by the server');
  });
});

describe('usage.daily', () => {
  it('rolls hourly usage up into days per token and per project, in the viewer’s time zone', async () => {
    const clock = new ManualClock(Date.UTC(2026, 2, 10, 12, 0, 0));
    t = await startTestApp({ clock });
    const { project, token, client } = await setUp(t);
    const other = (await t.manage('POST', '/manage/tokens', { project_id: project.id, duration_minutes: 60 * 24 * 30 })).json;
    const ask = () => client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    await ask();
    await ask();
    await t.app.flush();
    clock.advance(2 * 86_400_000 + 11 * 3_600_000); // 2026-03-12 23:00 UTC
    for (let i = 0; i < 3; i++) await ask();
    await new OpenAI({ baseURL: `${t.url}/v1`, apiKey: other.token, maxRetries: 0 }).models.list();
    await t.app.flush();

    const byToken = (await t.manage('POST', '/manage/rpc/usage.daily', { group_by: 'token', days: 7 })).json.value;
    expect(byToken.days).toEqual(['2026-03-06', '2026-03-07', '2026-03-08', '2026-03-09', '2026-03-10', '2026-03-11', '2026-03-12']);
    expect(byToken.rows[0]).toEqual({
      id: token.id,
      requests: [0, 0, 0, 0, 2, 0, 3],
      prompt_tokens: [0, 0, 0, 0, 22, 0, 33],
      completion_tokens: [0, 0, 0, 0, 10, 0, 15],
      cache_hits: [0, 0, 0, 0, 0, 0, 0],
      // Spend per day and model: money/daily-spend.app.test.ts.
      spend_usd: expect.any(Array),
      unpriced_requests: expect.any(Array),
      models: expect.any(Array),
      total: { requests: 5, prompt_tokens: 55, completion_tokens: 25, cache_hits: 0, spend_usd: expect.any(Number), unpriced_requests: expect.any(Number) },
    });
    expect(byToken.rows[1]).toMatchObject({ id: other.id, total: { requests: 1 } });

    // Two hours east of UTC, 23:00 UTC is already the next day.
    const byProject = (await t.manage('POST', '/manage/rpc/usage.daily', { group_by: 'project', days: 3, utc_offset_minutes: 120 })).json.value;
    expect(byProject.days).toEqual(['2026-03-11', '2026-03-12', '2026-03-13']);
    expect(byProject.rows).toEqual([expect.objectContaining({ id: project.id, requests: [0, 0, 4] })]);

    const oneToken = (await t.manage('POST', '/manage/rpc/usage.daily', { group_by: 'token', token_id: other.id })).json.value;
    expect(oneToken.rows.map((r: { id: string }) => r.id)).toEqual([other.id]);
    expect((await t.manage('POST', '/manage/rpc/usage.daily', { group_by: 'team' })).status).toBe(400);
  });
});
