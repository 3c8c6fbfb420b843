// The management API as scripts drive it: compatible answers, and a JSON error with a code for every
// bad input — never a 5xx, a half-written row, or a secret.
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../testing/mock-upstream.ts';
import { startTestApp, type TestApp } from '../testing/test-app.ts';

const UPSTREAM_KEY = 'sk-proj-manage-test-key-wxyz';
let t: TestApp;
let upstream: MockUpstream;
const responses: string[] = [];

beforeEach(async () => {
  upstream = await startMockUpstream();
  t = await startTestApp();
  responses.length = 0;
});
afterEach(async () => {
  await t.close();
  await upstream.close();
});

async function call(method: string, urlPath: string, body?: unknown, headers?: Record<string, string>) {
  const res = await t.manage(method, urlPath, body, headers);
  responses.push(JSON.stringify(res.json) + JSON.stringify([...res.headers]));
  return res;
}

function rawRequest(opts: {
  method?: string;
  path: string;
  headers: Record<string, string | string[]>;
  body?: string;
}): Promise<{ status: number; body: string }> {
  const url = new URL(t.url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, method: opts.method ?? 'GET', path: opts.path, headers: opts.headers, setHost: false },
      (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

function rawTcp(text: string): Promise<string> {
  const url = new URL(t.url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname, () => socket.end(text));
    let answer = '';
    socket.on('data', (c) => (answer += c));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

describe('projects', () => {
  it('masks a key shorter than 12 characters without revealing any of it', async () => {
    const created = await call('POST', '/manage/projects', { name: 'short', api_key: 'sk-x', base_url: upstream.url });
    expect(created.status).toBe(201);
    expect(created.json.api_key).toBe('sk-…(short key, hidden)');
    const keys = await call('GET', `/manage/projects/${created.json.id}/keys`);
    expect(JSON.stringify(keys.json)).not.toContain('sk-x"');
    expect(keys.json[0].api_key ?? keys.json[0].key).toBe('sk-…(short key, hidden)');
  });

  it('answers with X-Content-Type-Options: nosniff', async () => {
    expect((await call('GET', '/manage/projects')).headers.get('x-content-type-options')).toBe('nosniff');
    expect((await call('GET', '/manage/projects/nope')).headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('creates, reads, renames and deactivates, always masking the key', async () => {
    const created = await call('POST', '/manage/projects', { name: 'alpha', api_key: UPSTREAM_KEY, base_url: upstream.url + '/v1/' });
    expect(created.status).toBe(201);
    expect(created.headers.get('content-type')).toMatch(/application\/json/);
    expect(created.json).toMatchObject({
      name: 'alpha',
      api_key: 'sk-…wxyz',
      is_active: true,
      base_url: upstream.url,
      provider: 'openai',
      deactivated_at: null,
    });
    const id = created.json.id;
    expect((await call('GET', `/manage/projects/${id}`)).json.api_key).toBe('sk-…wxyz');
    const patched = await call('PATCH', `/manage/projects/${id}`, { name: 'beta', api_key: 'sk-new-key-9876' });
    expect(patched.json).toMatchObject({ name: 'beta', api_key: 'sk-…9876' });
    const off = await call('PATCH', `/manage/projects/${id}`, { is_active: false });
    expect(off.json.is_active).toBe(false);
    expect(off.json.deactivated_at).not.toBeNull();
    expect((await call('GET', '/manage/projects')).json).toHaveLength(1);
  });

  it('refuses deletes with 405 and Allow', async () => {
    const { json } = await call('POST', '/manage/projects', { name: 'alpha', api_key: UPSTREAM_KEY });
    const res = await call('DELETE', `/manage/projects/${json.id}`);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, PATCH');
    expect(res.json.code).toBe('method_not_allowed');
  });

  it('revokes every token of a project in bulk and counts', async () => {
    const { json: project } = await call('POST', '/manage/projects', { name: 'alpha', api_key: UPSTREAM_KEY });
    const a = await call('POST', '/manage/tokens', { project_id: project.id, duration_minutes: 10 });
    await call('POST', '/manage/tokens', { project_id: project.id, duration_minutes: 10 });
    await call('DELETE', `/manage/tokens/${a.json.id}`);
    const res = await call('POST', `/manage/projects/${project.id}/tokens/revoke`);
    expect(res.json).toEqual({ revoked_count: 1, already_revoked_count: 1, total_tokens: 2 });
    const deactivated = await call('PATCH', `/manage/projects/${project.id}`, { is_active: false, revoke_tokens: true });
    expect(deactivated.status).toBe(200);
  });
});

describe('tokens', () => {
  it('shows the token once, masks it afterwards, and filters listings', async () => {
    const { json: p1 } = await call('POST', '/manage/projects', { name: 'one', api_key: UPSTREAM_KEY });
    const { json: p2 } = await call('POST', '/manage/projects', { name: 'two', api_key: UPSTREAM_KEY });
    const created = await call('POST', '/manage/tokens', { project_id: p1.id, duration_minutes: 480, max_requests: 100, name: 'script' });
    expect(created.status).toBe(201);
    expect(created.json.token).toMatch(/^llmp_[0-9a-f]{32}/);
    expect(created.json).toMatchObject({ project_id: p1.id, max_requests: 100, is_active: true, request_count: 0, name: 'script' });
    await call('POST', '/manage/tokens', { project_id: p2.id, duration_minutes: 1 });
    const revoked = await call('POST', '/manage/tokens', { project_id: p1.id, duration_minutes: 1 });
    await call('DELETE', `/manage/tokens/${revoked.json.id}`);

    const got = await call('GET', `/manage/tokens/${created.json.id}`);
    expect(got.json.token).toBe(`llmp_…${created.json.token.slice(-4)}`);
    expect((await call('GET', `/manage/tokens?projectId=${p1.id}`)).json).toHaveLength(2);
    expect((await call('GET', `/manage/tokens?project_id=${p1.id}&active_only=true`)).json).toHaveLength(1);
    expect((await call('GET', `/manage/tokens?activeOnly=true`)).json).toHaveLength(2);
    const all = await call('GET', '/manage/tokens');
    expect(JSON.stringify(all.json)).not.toContain(created.json.token);

    const patched = await call('PATCH', `/manage/tokens/${created.json.id}`, { max_requests: 0 });
    expect(patched.json.max_requests).toBeNull();
  });
});

describe('bad input never gets a 5xx', () => {
  const uuid = '0193a5b2-0000-7000-8000-000000000000';
  const cases: [string, string, unknown, number, string][] = [
    ['POST', '/manage/projects', '{"name":', 400, 'invalid_json'],
    ['POST', '/manage/projects', '[]', 400, 'validation_failed'],
    ['POST', '/manage/projects', { name: 'x' }, 400, 'validation_failed'],
    ['POST', '/manage/projects', { name: 42, api_key: 'sk-1' }, 400, 'validation_failed'],
    ['POST', '/manage/projects', { name: 'x', api_key: 'sk-1', extra: true }, 400, 'validation_failed'],
    ['POST', '/manage/projects', { name: 'x', api_key: 'sk-1', base_url: 'ftp://x' }, 400, 'validation_failed'],
    ['POST', '/manage/projects', { name: 'x', api_key: 'sk-1', base_url: 'http://169.254.169.254' }, 400, 'validation_failed'],
    ['POST', '/manage/projects', { name: 'x', api_key: 'sk-1', base_url: 'http://[fe80::1]' }, 400, 'validation_failed'],
    ['POST', '/manage/projects', { name: '', api_key: 'sk-1' }, 400, 'validation_failed'],
    ['GET', `/manage/projects/${uuid}`, undefined, 404, 'project_not_found'],
    ['GET', '/manage/projects/not-a-uuid', undefined, 400, 'validation_failed'],
    ['PATCH', `/manage/projects/${uuid}`, { name: 'y' }, 404, 'project_not_found'],
    ['PATCH', `/manage/projects/${uuid}`, 'null', 400, 'validation_failed'],
    ['PATCH', `/manage/projects/${uuid}`, { revoke_tokens: true }, 400, 'validation_failed'],
    ['POST', `/manage/projects/${uuid}/tokens/revoke`, undefined, 404, 'project_not_found'],
    ['POST', '/manage/tokens', { project_id: uuid, duration_minutes: 5 }, 404, 'project_not_found'],
    ['POST', '/manage/tokens', { project_id: uuid, duration_minutes: 0 }, 400, 'validation_failed'],
    ['POST', '/manage/tokens', { project_id: uuid, duration_minutes: 525601 }, 400, 'validation_failed'],
    ['POST', '/manage/tokens', { project_id: uuid, duration_minutes: 1.5 }, 400, 'validation_failed'],
    ['POST', '/manage/tokens', { project_id: uuid, duration_minutes: '5' }, 400, 'validation_failed'],
    ['POST', '/manage/tokens', { project_id: uuid, duration_minutes: 5, max_requests: -1 }, 400, 'validation_failed'],
    ['GET', `/manage/tokens/${uuid}`, undefined, 404, 'token_not_found'],
    ['PATCH', `/manage/tokens/${uuid}`, { is_active: false }, 404, 'token_not_found'],
    ['PATCH', `/manage/tokens/${uuid}`, { is_active: 'no' }, 400, 'validation_failed'],
    ['DELETE', `/manage/tokens/${uuid}`, undefined, 404, 'token_not_found'],
    ['GET', '/manage/tokens?active_only=maybe', undefined, 400, 'validation_failed'],
    ['GET', '/manage/audit?page=0', undefined, 400, 'validation_failed'],
    ['GET', '/manage/audit?page_size=100000', undefined, 400, 'validation_failed'],
    ['GET', '/manage/audit?from=yesterday', undefined, 400, 'validation_failed'],
    ['GET', `/manage/audit/${uuid}`, undefined, 404, 'audit_event_not_found'],
    ['GET', '/manage/nothing-here', undefined, 404, 'not_found'],
    ['POST', '/manage/rpc/tokens.explode', {}, 404, 'not_found'],
  ];

  it.each(cases)('%s %s %j → %i %s', async (method, urlPath, body, status, code) => {
    const res = await call(method, urlPath, body);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(res.json.code).toBe(code);
    expect(typeof res.json.error).toBe('string');
  });

  it('refuses a huge body with 413 and writes nothing', async () => {
    const res = await call('POST', '/manage/projects', { name: 'big', api_key: 'sk-1', pad: 'x'.repeat(2 * 1024 * 1024) });
    expect(res.status).toBe(413);
    expect(res.json.code).toBe('payload_too_large');
    expect((await call('GET', '/manage/projects')).json).toEqual([]);
  });

  it('refuses deeply nested JSON with 400', async () => {
    const res = await call('POST', '/manage/projects', '['.repeat(100_000) + ']'.repeat(100_000));
    expect(res.status).toBe(400);
  });

  it('answers 409 for a duplicate project name and keeps one row', async () => {
    await call('POST', '/manage/projects', { name: 'dup', api_key: 'sk-1' });
    const res = await call('POST', '/manage/projects', { name: 'dup', api_key: 'sk-2' });
    expect(res.status).toBe(409);
    expect(res.json.code).toBe('duplicate_name');
    expect((await call('GET', '/manage/projects')).json).toHaveLength(1);
  });
});

describe('who may call', () => {
  it('needs the management token, compared exactly', async () => {
    for (const auth of [undefined, 'Bearer wrong', `Bearer ${t.managementToken}x`, t.managementToken]) {
      const res = await fetch(`${t.url}/manage/projects`, { headers: auth ? { authorization: auth } : {} });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { code: string }).code).toBe('unauthorized');
    }
  });

  it('refuses foreign, empty and doubled Host headers before auth; accepts loopback names', async () => {
    const port = new URL(t.url).port;
    const auth = `Bearer ${t.managementToken}`;
    for (const host of ['evil.example', `evil.example:${port}`, '']) {
      const res = await rawRequest({ path: '/manage/projects', headers: { host, authorization: auth } });
      expect(res.status, host).toBe(421);
      expect(JSON.parse(res.body).code).toBe('forbidden_host');
    }
    const doubled = await rawTcp(
      `GET /manage/projects HTTP/1.1\r\nHost: localhost:${port}\r\nHost: evil.example\r\nAuthorization: ${auth}\r\nConnection: close\r\n\r\n`,
    );
    expect(doubled).toMatch(/^HTTP\/1\.1 (421|400)/);
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]) {
      const res = await rawRequest({ path: '/manage/projects', headers: { host, authorization: auth } });
      expect(res.status, host).toBe(200);
    }
    const proxied = await rawRequest({ path: '/v1/models', headers: { host: 'evil.example', authorization: 'Bearer x' } });
    expect(proxied.status).toBe(421);
  });

  it('refuses cross-site writes', async () => {
    const evil = await call('POST', '/manage/projects', { name: 'x', api_key: 'sk-1' }, { origin: 'https://evil.example' });
    expect(evil.status).toBe(403);
    expect(evil.json.code).toBe('cross_site_request');
    const site = await call('POST', '/manage/projects', { name: 'x', api_key: 'sk-1' }, { 'sec-fetch-site': 'cross-site' });
    expect(site.status).toBe(403);
    const same = await call('POST', '/manage/projects', { name: 'x', api_key: 'sk-1' }, { origin: t.url });
    expect(same.status).toBe(201);
  });
});

describe('audit', () => {
  it('records every change with actor, outcome and request id, and pages through them', async () => {
    const { json: project } = await call('POST', '/manage/projects', { name: 'alpha', api_key: UPSTREAM_KEY }, { 'x-request-id': 'req-create-1' });
    for (let i = 0; i < 5; i++) await call('POST', '/manage/tokens', { project_id: project.id, duration_minutes: 10 });
    await call('POST', '/manage/tokens', { project_id: project.id, duration_minutes: 0 });
    const page1 = await call('GET', '/manage/audit?page_size=3');
    expect(page1.json.pagination).toEqual({ page: 1, page_size: 3, total_count: 7, total_pages: 3, has_next: true, has_prev: false });
    const created = await call('GET', '/manage/audit?action=project.create');
    expect(created.json.events).toHaveLength(1);
    expect(created.json.events[0]).toMatchObject({ actor: 'management', outcome: 'success', request_id: 'req-create-1', target_id: project.id });
    const failures = await call('GET', '/manage/audit?outcome=failure');
    expect(failures.json.events[0]).toMatchObject({ action: 'tokens.create', details: { code: 'validation_failed' } });
    const search = await call('GET', '/manage/audit?search=ALPHA');
    expect(search.json.pagination.total_count).toBe(1);
    const one = await call('GET', `/manage/audit/${created.json.events[0].id}`);
    expect(one.json.id).toBe(created.json.events[0].id);
    const future = await call('GET', `/manage/audit?from=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`);
    expect(future.json.events).toEqual([]);
  });
});

describe('secrets', () => {
  it('never leaves a token, an upstream key or the management token in responses, logs, audit rows or database files', async () => {
    const { json: project } = await call('POST', '/manage/projects', { name: 'secret-scan', api_key: UPSTREAM_KEY, base_url: upstream.url });
    const minted = await call('POST', '/manage/tokens', { project_id: project.id, duration_minutes: 10, max_requests: 2 });
    const token: string = minted.json.token;
    responses.length = 0; // the create answer is the one place the token may appear
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${t.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `my key is ${UPSTREAM_KEY}` }] }),
      });
      responses.push(await res.text());
    }
    await call('PATCH', `/manage/projects/${project.id}`, { api_key: 'sk-rotated-key-5555' });
    await call('POST', '/manage/projects', { name: 'bad', api_key: UPSTREAM_KEY, base_url: 'ftp://nope' });
    await call('GET', '/manage/tokens');
    await call('GET', '/manage/projects');
    await call('GET', '/manage/audit?page_size=500');
    await t.app.flush();
    await t.close();

    const files = fs.readdirSync(t.dataDir).filter((f) => f.startsWith('llm-proxy.db'));
    expect(files.length).toBeGreaterThan(0);
    const haystacks = {
      responses: responses.join('\n'),
      logs: t.logs(),
      database: files.map((f) => fs.readFileSync(path.join(t.dataDir, f)).toString('latin1')).join('\n'),
    };
    for (const [where, text] of Object.entries(haystacks)) {
      for (const secret of [token, token.slice(5 + 32), UPSTREAM_KEY, 'sk-rotated-key-5555', t.managementToken]) {
        expect(text.includes(secret), `${where} contains a secret`).toBe(false);
      }
    }
    t = await startTestApp({ dataDir: t.dataDir, managementToken: t.managementToken });
  });
});
