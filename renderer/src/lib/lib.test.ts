// Small pure helpers: times, CSV, routes, audit labels.
import { describe, expect, it } from 'vitest';
import { auditEvent } from '../testing/views.ts';
import { auditCsv, collectAllPages, csvCell, csvFileName } from './audit-csv.ts';
import { actionLabel } from './audit-labels.ts';
import { hrefFor, parseHash } from './router.ts';
import { exactTime, lifeLeft, relativeTime } from './time.ts';

const NOW = Date.parse('2025-06-01T12:00:00Z');
const at = (ms: number) => new Date(NOW + ms).toISOString();

describe('relative times', () => {
  it.each([
    [0, 'just now'],
    [-30_000, 'just now'],
    [20_000, 'in a moment'],
    [-90_000, '2 min ago'],
    [45 * 60_000, 'in 45 min'],
    [59.6 * 60_000, 'in 1 h'],
    [-3 * 3600_000, '3 h ago'],
    [8 * 3600_000 - 1000, 'in 8 h'],
    [7 * 86_400_000, 'in 7 d'],
    [-21 * 86_400_000, '3 wk ago'],
    [90 * 86_400_000, 'in 3 mo'],
    [-800 * 86_400_000, '2 y ago'],
  ])('%d ms → %s', (offset, text) => {
    expect(relativeTime(at(offset), NOW)).toBe(text);
  });

  it('gives an exact local time with its offset for hover titles', () => {
    expect(exactTime('2025-06-01T12:00:00Z')).toMatch(/^1 Jun 2025, \d\d:00:00 \(UTC[+−]\d\d:\d\d\)$/);
    expect(relativeTime('garbage', NOW)).toBe('—');
    expect(exactTime('garbage')).toBe('');
  });

  it('measures how much of a token’s life is left', () => {
    expect(lifeLeft(at(-3600_000), at(3600_000), NOW)).toBe(0.5);
    expect(lifeLeft(at(-7200_000), at(-3600_000), NOW)).toBe(0);
    expect(lifeLeft(at(0), at(0), NOW)).toBe(0);
  });
});

describe('CSV', () => {
  it('quotes what needs quoting and defuses spreadsheet formulas', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell(null)).toBe('');
    expect(csvCell({ reason: 'token_revoked' })).toBe('"{""reason"":""token_revoked""}"');
  });

  it('writes a header and one line per event', () => {
    const event = auditEvent({ id: 'e1', action: 'proxy.refused', outcome: 'denied', details: { reason: 'x' } });
    const csv = auditCsv([event]);
    expect(csv.split('\r\n')[0]).toBe('id,time,action,outcome,actor,target_type,target_id,project_id,token_id,request_id,client_ip,details');
    expect(csv.split('\r\n')[1]).toBe('e1,2025-01-01T10:00:00.000Z,proxy.refused,denied,management,token,,,,,127.0.0.1,"{""reason"":""x""}"');
    expect(csv.endsWith('\r\n')).toBe(true);
  });

  it('stops paging when the server says there is no next page (or sends an empty one)', async () => {
    const asked: number[] = [];
    const events = await collectAllPages(async (page) => {
      asked.push(page);
      return {
        events: page < 3 ? [auditEvent()] : [],
        pagination: { page, page_size: 500, total_count: 2, total_pages: 9, has_next: true, has_prev: page > 1 },
      };
    });
    expect(asked).toEqual([1, 2, 3]);
    expect(events).toHaveLength(2);
  });

  it('names the file after the moment of export', () => {
    expect(csvFileName(new Date('2025-06-01T12:34:56Z'))).toBe('llm-proxy-audit-2025-06-01-12-34-56.csv');
  });
});

describe('routes', () => {
  it('reads screens and params from the hash, defaulting to the dashboard', () => {
    expect(parseHash('')).toEqual({ screen: 'dashboard', params: {} });
    expect(parseHash('#/tokens?project=p1&mint=1')).toEqual({ screen: 'tokens', params: { project: 'p1', mint: '1' } });
    expect(parseHash('#/../../etc')).toEqual({ screen: 'dashboard', params: {} });
    expect(hrefFor('audit', { token_id: 'a b', empty: undefined })).toBe('#/audit?token_id=a+b');
    expect(parseHash(hrefFor('audit', { token_id: 'a b' })).params).toEqual({ token_id: 'a b' });
  });
});

describe('audit labels', () => {
  it('puts known actions in words and marks failed calls', () => {
    expect(actionLabel('token.revoke')).toBe('Token revoked');
    expect(actionLabel('tokens.create')).toBe('tokens.create failed');
    expect(actionLabel('something-else')).toBe('something-else');
  });
});
