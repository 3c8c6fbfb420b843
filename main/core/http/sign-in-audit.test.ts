// Failed sign-ins and refused proxy tokens are audited at most twice per source, reason and minute (the
// first at once, the rest with a count), so a flood is visible without a row per attempt.
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, startTestApp, type TestApp } from '../testing/test-app.ts';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function auditOf(app: TestApp, action: string) {
  await app.app.flush();
  return (await app.manage('GET', `/manage/audit?action=${action}&page_size=100`)).json.events as {
    actor: string;
    client_ip: string;
    details: Record<string, unknown>;
  }[];
}

describe('failed sign-ins and refused tokens', () => {
  it('writes one row per source, reason and minute, with the count', async () => {
    const clock = new ManualClock(Date.UTC(2026, 11, 2, 10, 0, 5));
    const app = (t = await startTestApp({ clock }));
    const get = (headers: Record<string, string>) => fetch(`${app.url}/manage/projects`, { headers });
    for (let i = 0; i < 40; i++) expect((await get({ authorization: `Bearer wrong-${i}` })).status).toBe(401);
    for (let i = 0; i < 5; i++) expect((await get({})).status).toBe(401);
    for (let i = 0; i < 30; i++) {
      const res = await fetch(`${app.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer llmp_guess${i}` }, body: '{}' });
      expect(res.status).toBe(401);
    }
    clock.advance(60_000);
    expect((await get({ authorization: 'Bearer next-minute' })).status).toBe(401);

    const signIns = await auditOf(app, 'auth.failed');
    // Per minute: the first refusal at once (count 1), the rest of the minute as one row with their count.
    const counts = signIns.map((e) => [e.details['reason'], e.details['from'], e.details['count'], e.client_ip]).sort();
    expect(counts).toEqual([
      ['no_token', '2026-12-02T10:00:00.000Z', 1, '127.0.0.1'],
      ['no_token', '2026-12-02T10:00:00.000Z', 4, '127.0.0.1'],
      ['wrong_token', '2026-12-02T10:00:00.000Z', 1, '127.0.0.1'],
      ['wrong_token', '2026-12-02T10:00:00.000Z', 39, '127.0.0.1'],
      ['wrong_token', '2026-12-02T10:01:00.000Z', 1, '127.0.0.1'],
    ]);
    const minute = signIns.find((e) => e.details['count'] === 39)!;
    expect(minute.details).toMatchObject({ from: '2026-12-02T10:00:00.000Z', to: '2026-12-02T10:01:00.000Z' });
    expect(JSON.stringify(signIns)).not.toContain('wrong-1');

    const refused = await auditOf(app, 'proxy.refused');
    expect(refused.map((e) => e.details['count']).sort()).toEqual([1, 29]);
    expect(refused[0]).toMatchObject({ actor: 'anonymous', details: { reason: 'invalid_api_key' } });
    expect(JSON.stringify(refused)).not.toContain('llmp_guess');
  });
});

describe('the management token', () => {
  it('is refused at start when shorter than 32 characters', async () => {
    await expect(startTestApp({ managementToken: 'too-short-to-be-safe' })).rejects.toMatchObject({
      code: 'config_invalid',
      message: expect.stringContaining('at least 32'),
    });
  });
});
