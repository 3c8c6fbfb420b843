// `llm-proxy db copy`: a populated SQLite file into PostgreSQL; every row arrives, tokens still
// authenticate and upstream keys still decrypt on an instance that uses the same data key.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { PG_TEST_URL, pgUnavailable, scratchSchema } from '../core/store/postgres-test-support.ts';
import { startMockUpstream } from '../core/testing/mock-upstream.ts';
import { startTestApp } from '../core/testing/test-app.ts';
import { run } from './test-support.ts';

const UPSTREAM_KEY = 'sk-proj-upstream-secret-abcd1234';
const urlFor = (schema: string) => `${PG_TEST_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;

async function chat(url: string, token: string) {
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
  });
  await res.arrayBuffer();
  return res.status;
}

describe('db copy', () => {
  it('needs --from and --to, and refuses a URL that is not PostgreSQL', async () => {
    expect((await run(['db', 'copy', '--to', 'postgres://x/y'])).code).toBe(2);
    const bad = await run(['db', 'copy', '--from', __filename, '--to', 'mysql://x/y']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--to must be a postgres://');
  });

  it.skipIf(pgUnavailable !== null)(
    `copies every row; tokens authenticate and keys decrypt on PostgreSQL; refuses a non-empty target unless --force${pgUnavailable ? ` (skipped: ${pgUnavailable})` : ''}`,
    async () => {
      const upstream = await startMockUpstream();
      onTestFinished(() => upstream.close());
      const encryptionKey = randomBytes(32).toString('base64');

      // A desktop on SQLite with a project, two tokens, some usage and audit rows.
      const desktop = await startTestApp({ encryptionKey });
      const project = (await desktop.manage('POST', '/manage/projects', { name: 'moved', api_key: UPSTREAM_KEY, base_url: upstream.url })).json as {
        id: string;
      };
      const token = (await desktop.manage('POST', '/manage/tokens', { project_id: project.id, duration_minutes: 60 })).json.token as string;
      await desktop.manage('POST', '/manage/tokens', { project_id: project.id, duration_minutes: 60 });
      expect(await chat(desktop.url, token)).toBe(200);
      await desktop.close();
      const file = path.join(desktop.dataDir, 'llm-proxy.db');

      const to = urlFor(await scratchSchema());
      const first = await run(['db', 'copy', '--from', file, '--to', to, '--json']);
      expect(first.code, first.stderr).toBe(0);
      const result = JSON.parse(first.stdout) as { to: string; verified: boolean; tables: Record<string, { source: number; target: number }> };
      expect(result.verified).toBe(true);
      expect(result.to).toBe('postgres://127.0.0.1:5432/test');
      expect(result.tables.projects).toEqual({ source: 1, target: 1 });
      expect(result.tables.tokens).toEqual({ source: 2, target: 2 });
      expect(result.tables.usage_hourly!.source).toBe(1);
      expect(result.tables.audit_events!.source).toBeGreaterThanOrEqual(3);

      const again = await run(['db', 'copy', '--from', file, '--to', to]);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('already holds rows');
      const forced = await run(['db', 'copy', '--from', file, '--to', to, '--force']);
      expect(forced.code, forced.stderr).toBe(0);
      expect(forced.stdout).toContain('Verified: every row arrived.');
      expect(forced.stdout).toMatch(/tokens\s+2 read,\s+2 verified/);

      const team = await startTestApp({ databaseUrl: to, encryptionKey });
      onTestFinished(() => team.close());
      const before = upstream.received.length;
      expect(await chat(team.url, token)).toBe(200);
      expect(upstream.received.length).toBe(before + 1);
      expect(JSON.stringify(upstream.received.at(-1))).toContain(UPSTREAM_KEY);
      const tokens = (await team.manage('GET', '/manage/tokens')).json as { request_count?: number }[];
      expect(tokens).toHaveLength(2);
    },
  );
});
