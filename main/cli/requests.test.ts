import { describe, expect, it } from 'vitest';
import type { RequestLogItemView } from '../core/api/request-views.ts';
import { costOf } from './requests.ts';
import { at, fakeManagementServer, PROJECT_ID, run, TOKEN_ID } from './test-support.ts';

function sampleRequest(overrides: Partial<RequestLogItemView> = {}): RequestLogItemView {
  return {
    id: '01943f5a-0000-7000-8000-0000000000c1',
    request_id: 'req-1',
    time: '2024-12-31T23:59:00.000Z',
    token_id: TOKEN_ID,
    project_id: PROJECT_ID,
    method: 'POST',
    path: '/v1/chat/completions',
    model: 'gpt-4o-mini',
    status: 200,
    error_code: null,
    prompt_tokens: 11,
    completion_tokens: 5,
    cost_usd: 0.0000045,
    latency_ms: 12.4,
    upstream_ms: 10,
    cache: 'miss',
    upstream_key: 'primary',
    upstream_key_id: '01943f5a-0000-7000-8000-0000000000b1',
    streamed: false,
    aborted: false,
    attempts: 1,
    ...overrides,
  };
}

describe('requests', () => {
  it('sends each filter under its documented query name', async () => {
    const server = await fakeManagementServer({ 'GET /manage/requests': { body: { items: [], total: 0, page: 2, page_size: 20 } } });
    const result = await run([
      'requests',
      '--token',
      TOKEN_ID,
      '--project',
      PROJECT_ID,
      '--model',
      'gpt-4o',
      '--status',
      '4XX',
      '--from',
      '2024-12-01',
      '--to',
      '2024-12-31T12:00:00+01:00',
      '--page',
      '2',
      '--page-size',
      '20',
      ...at(server),
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(server.only().pathname).toBe('/manage/requests');
    expect(server.only().query).toEqual({
      token_id: TOKEN_ID,
      project_id: PROJECT_ID,
      model: 'gpt-4o',
      status: '4xx',
      from: '2024-12-01T00:00:00.000Z',
      to: '2024-12-31T11:00:00.000Z',
      page: '2',
      page_size: '20',
    });
  });

  it('prints a table (refusals with their code, unpriced models as such) or the raw JSON', async () => {
    const page = {
      items: [
        sampleRequest(),
        sampleRequest({
          id: 'r2',
          status: 429,
          error_code: 'rate_limited',
          prompt_tokens: null,
          completion_tokens: null,
          cost_usd: null,
          cache: null,
          upstream_key: null,
        }),
      ],
      total: 3,
      page: 1,
      page_size: 2,
    };
    const server = await fakeManagementServer({ 'GET /manage/requests': { body: page } });
    const table = await run(['requests', ...at(server)]);
    expect(table.stdout).toMatch(/│ Time\s+│ Status\s+│ Request\s+│ Model\s+│ Token\s+│ Tokens in\/out │ Cost\s+│ Latency │ Cache │ Key/);
    expect(table.stdout).toMatch(
      new RegExp(`│ 200\\s+│ POST /v1/chat/completions │ gpt-4o-mini │ ${TOKEN_ID} │ 11/5\\s+│ \\$0.0000045 │ 12 ms\\s+│ miss\\s+│ primary │`),
    );
    expect(table.stdout).toMatch(/│ 429 rate_limited │ .*│ -\s+│ unpriced\s+│ 12 ms\s+│ -\s+│ -\s+│/);
    expect(table.stdout).toContain('Page 1 of 2, 3 request(s) (next: --page 2)\n');
    const json = await run(['requests', '--json', ...at(server)]);
    expect(JSON.parse(json.stdout)).toEqual(page);
  });

  it('says when nothing matches, and refuses a bad status as a usage error', async () => {
    const server = await fakeManagementServer({ 'GET /manage/requests': { body: { items: [], total: 0, page: 1, page_size: 50 } } });
    expect((await run(['requests', ...at(server)])).stdout).toBe('No requests match.\n');
    const bad = await run(['requests', '--status', 'teapot', ...at(server)]);
    expect(bad.code).toBe(2);
    expect(server.requests).toHaveLength(1);
  });

  it('shows cost in dollars, small amounts with two significant digits', () => {
    expect([costOf(null), costOf(0), costOf(1.234), costOf(0.000123)]).toEqual(['unpriced', '$0.00', '$1.23', '$0.00012']);
  });
});
