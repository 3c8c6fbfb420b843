import { describe, expect, it } from 'vitest';
import { at, EVENT_ID, fakeManagementServer, PROJECT_ID, run, sampleAuditEvent, TOKEN_ID } from './test-support.ts';

const pagination = { page: 1, page_size: 2, total_count: 5, total_pages: 3, has_next: true, has_prev: false };

describe('audit list', () => {
  it('sends each filter under its documented query name', async () => {
    const server = await fakeManagementServer({ 'GET /manage/audit': { body: { events: [], pagination } } });
    const result = await run([
      'audit',
      'list',
      '--action',
      'token.create',
      '--outcome',
      'denied',
      '--project',
      PROJECT_ID,
      '--token',
      TOKEN_ID,
      '--from',
      '2024-12-01',
      '--to',
      '2024-12-31T12:00:00+01:00',
      '--search',
      'gpt',
      '--page',
      '2',
      '--page-size',
      '50',
      ...at(server),
    ]);
    expect(result.code).toBe(0);
    expect(server.only().pathname).toBe('/manage/audit');
    expect(server.only().query).toEqual({
      action: 'token.create',
      outcome: 'denied',
      project_id: PROJECT_ID,
      token_id: TOKEN_ID,
      from: '2024-12-01T00:00:00.000Z',
      to: '2024-12-31T11:00:00.000Z',
      search: 'gpt',
      page: '2',
      page_size: '50',
    });
  });

  it('prints a table with the page position, or the raw JSON', async () => {
    const page = { events: [sampleAuditEvent(), sampleAuditEvent({ id: 'e2', outcome: 'denied', target_type: null, target_id: null })], pagination };
    const server = await fakeManagementServer({ 'GET /manage/audit': { body: page } });

    const table = await run(['audit', 'list', ...at(server)]);
    expect(server.requests[0]!.url).toBe('/manage/audit');
    expect(table.stdout).toMatch(/│ ID\s+│ Time\s+│ Action\s+│ Outcome\s+│ Actor\s+│ Target/);
    expect(table.stdout).toMatch(
      new RegExp(`│ ${EVENT_ID} │ 1 minute ago \\(2024-12-31T23:59:00.000Z\\) │ token.create │ success │ management │ token ${TOKEN_ID}`),
    );
    expect(table.stdout).toMatch(/│ e2\s+│.*│ denied\s+│ management │ -/);
    expect(table.stdout).toContain('Page 1 of 3, 5 event(s) (next: --page 2)\n');

    const json = await run(['audit', 'list', '--json', ...at(server)]);
    expect(JSON.parse(json.stdout)).toEqual(page);
  });

  it('says when nothing matches', async () => {
    const empty = { events: [], pagination: { ...pagination, total_count: 0, total_pages: 0, has_next: false } };
    const server = await fakeManagementServer({ 'GET /manage/audit': { body: empty } });
    expect((await run(['audit', 'list', ...at(server)])).stdout).toBe('No audit events match.\n');
  });

  it.each([
    ['--outcome', 'maybe'],
    ['--from', 'last tuesday-ish'],
    ['--page', '0'],
    ['--page-size', '501'],
  ])('refuses %s %s as a usage error', async (flag, value) => {
    const server = await fakeManagementServer({});
    const result = await run(['audit', 'list', flag, value, ...at(server)]);
    expect(result.code).toBe(2);
    expect(server.requests).toHaveLength(0);
  });
});

describe('audit get', () => {
  it('shows one event with its details', async () => {
    const server = await fakeManagementServer({ [`GET /manage/audit/${EVENT_ID}`]: { body: sampleAuditEvent() } });
    const result = await run(['audit', 'get', EVENT_ID, ...at(server)]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/│ Client IP\s+│ 127.0.0.1/);
    expect(result.stdout).toContain('"duration_minutes": 480');
  });

  it('prints 404s from the server', async () => {
    const server = await fakeManagementServer({
      [`GET /manage/audit/${EVENT_ID}`]: { status: 404, body: { error: 'No audit event with that id', code: 'audit_event_not_found' } },
    });
    const result = await run(['audit', 'get', EVENT_ID, ...at(server)]);
    expect(result).toEqual({ code: 1, stdout: '', stderr: 'error: No audit event with that id (audit_event_not_found)\n' });
  });
});
