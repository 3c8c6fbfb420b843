// Named admins and roles through the real app over HTTP: the owner hands out tokens, a viewer reads and
// cannot write, an operator works inside its projects only (others do not exist for it), refusals are
// 403 forbidden_role and audited, the audit names the person, and admin tokens never leak.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../testing/mock-upstream.ts';
import { startTestApp, type TestApp } from '../testing/test-app.ts';

let t: TestApp;
let upstream: MockUpstream;
let projectA: string;
let projectB: string;
let tokenOfB: string;
const issued: string[] = [];

beforeAll(async () => {
  upstream = await startMockUpstream();
  t = await startTestApp();
  projectA = (await t.manage('POST', '/manage/projects', { name: 'team-a', api_key: 'sk-team-a-upstream-key-1111', base_url: upstream.url })).json.id;
  projectB = (await t.manage('POST', '/manage/projects', { name: 'team-b', api_key: 'sk-team-b-upstream-key-2222', base_url: upstream.url })).json.id;
  tokenOfB = (await t.manage('POST', '/manage/tokens', { project_id: projectB, duration_minutes: 60 })).json.id;
});
afterAll(async () => {
  await t?.close();
  await upstream?.close();
});

/** A call with someone's token instead of the management token. */
const as = (token: string) => (method: string, path: string, body?: unknown) => t.manage(method, path, body, { authorization: `Bearer ${token}` });

async function createAdmin(body: Record<string, unknown>) {
  const res = await t.manage('POST', '/manage/admins', body);
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  issued.push(res.json.token);
  return res.json as { id: string; name: string; token: string };
}

async function auditRows(query: string) {
  await t.app.flush();
  return (await t.manage('GET', `/manage/audit?page_size=200&${query}`)).json.events as {
    actor: string;
    action: string;
    outcome: string;
    project_id: string | null;
    details: Record<string, unknown>;
  }[];
}

describe('admins', () => {
  it('shows a token once at creation and never again; validates names, roles and projects', async () => {
    const vera = await createAdmin({ name: 'vera', role: 'viewer' });
    expect(vera.token).toMatch(/^llmp_admin_[A-Za-z0-9_-]{43}$/);
    const list = await t.manage('GET', '/manage/admins');
    expect(list.status).toBe(200);
    const listed = list.json.find((a: { id: string }) => a.id === vera.id);
    expect(listed).toMatchObject({ name: 'vera', role: 'viewer', project_ids: [], token: `llmp_admin_…${vera.token.slice(-4)}` });
    expect(JSON.stringify(list.json)).not.toContain(vera.token);

    const bad = async (body: unknown) => (await t.manage('POST', '/manage/admins', body)).json;
    expect(await bad({ name: 'x', role: 'operator' })).toMatchObject({ code: 'validation_failed', issues: [{ path: 'project_ids' }] });
    expect(await bad({ name: 'x', role: 'viewer', project_ids: [projectA] })).toMatchObject({ code: 'validation_failed' });
    expect(await bad({ name: 'x', role: 'root' })).toMatchObject({ code: 'validation_failed', issues: [{ path: 'role' }] });
    expect(await bad({ name: 'x', role: 'operator', project_ids: ['0190a5b2-7c3d-7e4f-8a1b-2c3d4e5f6a7b'] })).toMatchObject({ code: 'project_not_found' });
    expect(await bad({ name: 'vera', role: 'viewer' })).toMatchObject({ code: 'duplicate_name' });
    expect((await t.manage('PATCH', '/manage/admins/0190a5b2-7c3d-7e4f-8a1b-2c3d4e5f6a7b', { role: 'viewer' })).json).toMatchObject({
      code: 'admin_not_found',
    });
  });

  it('says who is signed in', async () => {
    const olga = await createAdmin({ name: 'olga', role: 'operator', project_ids: [projectA] });
    expect((await as(olga.token)('GET', '/manage/admins/me')).json).toEqual({
      actor: 'admin:olga',
      name: 'olga',
      role: 'operator',
      project_ids: [projectA],
      admin_id: olga.id,
    });
    expect((await t.manage('GET', '/manage/admins/me')).json).toMatchObject({ actor: 'management', role: 'owner', project_ids: null, admin_id: null });
    expect(await t.app.call('admins.me', {})).toMatchObject({ actor: 'desktop', role: 'owner' });
  });
});

describe('a viewer', () => {
  it('reads everything an owner reads, changes nothing, and every refusal is 403 forbidden_role and audited', async () => {
    const viewer = as((await createAdmin({ name: 'vicky', role: 'viewer' })).token);
    for (const path of [
      '/manage/projects',
      `/manage/projects/${projectB}`,
      `/manage/projects/${projectA}/keys`,
      '/manage/tokens',
      '/manage/audit',
      '/manage/cache/stats',
      '/manage/admins',
    ]) {
      expect((await viewer('GET', path)).status, path).toBe(200);
    }
    expect((await viewer('POST', '/manage/rpc/system.info', {})).status).toBe(200);
    expect(JSON.stringify((await viewer('GET', `/manage/projects/${projectA}/keys`)).json)).not.toContain('sk-team-a-upstream-key');

    const refusals = [
      await viewer('POST', '/manage/tokens', { project_id: projectA, duration_minutes: 5 }),
      await viewer('PATCH', `/manage/projects/${projectA}`, { name: 'renamed' }),
      await viewer('DELETE', `/manage/tokens/${tokenOfB}`),
      await viewer('POST', '/manage/admins', { name: 'sneaky', role: 'owner' }),
      await viewer('POST', '/manage/cache/purge', { all: true }),
      // Refused before its input is even read.
      await viewer('POST', '/manage/rpc/projects.create', { nonsense: true }),
    ];
    for (const res of refusals) {
      expect(res.status).toBe(403);
      expect(res.headers.get('content-type')).toMatch(/application\/json/);
      expect(res.json).toMatchObject({ code: 'forbidden_role' });
    }
    expect((await t.manage('GET', `/manage/projects/${projectA}`)).json.name).toBe('team-a');
    expect((await t.manage('GET', `/manage/tokens/${tokenOfB}`)).json.is_active).toBe(true);

    const denied = await auditRows('actor=admin:vicky&outcome=denied');
    expect(denied.map((e) => e.action).sort()).toEqual([
      'admins.create',
      'cache.purge',
      'projects.create',
      'projects.update',
      'tokens.create',
      'tokens.revoke',
    ]);
    expect(denied[0]!.details).toMatchObject({ code: 'forbidden_role', role: 'viewer' });
  });
});

describe('an operator', () => {
  it('mints, edits and revokes tokens of its project, purges its cache, and reads its usage and audit', async () => {
    const op = as((await createAdmin({ name: 'otto', role: 'operator', project_ids: [projectA] })).token);
    expect((await op('GET', '/manage/projects')).json.map((p: { id: string }) => p.id)).toEqual([projectA]);
    const minted = await op('POST', '/manage/tokens', { project_id: projectA, duration_minutes: 30, name: 'ci' });
    expect(minted.status).toBe(201);
    expect((await op('PATCH', `/manage/tokens/${minted.json.id}`, { max_requests: 5 })).json.max_requests).toBe(5);
    expect((await op('GET', '/manage/tokens')).json.map((tk: { project_id: string }) => tk.project_id)).toEqual([projectA]);
    expect((await op('POST', '/manage/cache/purge', { project_id: projectA })).status).toBe(200);
    expect((await op('DELETE', `/manage/tokens/${minted.json.id}`)).status).toBe(204);
    expect((await op('POST', `/manage/projects/${projectA}/tokens/revoke`)).status).toBe(200);

    const usage = await op('POST', '/manage/rpc/usage.daily', { group_by: 'project' });
    expect(usage.status).toBe(200);
    expect(usage.json.value.rows.every((r: { id: string }) => r.id === projectA)).toBe(true);

    await t.app.flush();
    const audit = (await op('GET', '/manage/audit?page_size=200')).json.events as { project_id: string; actor: string; action: string }[];
    expect(audit.length).toBeGreaterThan(0);
    expect(new Set(audit.map((e) => e.project_id))).toEqual(new Set([projectA]));
    expect(audit.filter((e) => e.actor === 'admin:otto').map((e) => e.action)).toEqual(
      expect.arrayContaining(['token.create', 'token.update', 'token.revoke', 'cache.purge']),
    );
  });

  it('finds nothing of other projects (404) and is refused keys, admins and settings (403)', async () => {
    const op = as((await createAdmin({ name: 'oscar', role: 'operator', project_ids: [projectA] })).token);
    const notFound = [
      [await op('GET', `/manage/projects/${projectB}`), 'project_not_found'],
      [await op('POST', '/manage/tokens', { project_id: projectB, duration_minutes: 5 }), 'project_not_found'],
      [await op('GET', `/manage/tokens?project_id=${projectB}`), 'project_not_found'],
      [await op('GET', `/manage/tokens/${tokenOfB}`), 'token_not_found'],
      [await op('PATCH', `/manage/tokens/${tokenOfB}`, { name: 'mine' }), 'token_not_found'],
      [await op('DELETE', `/manage/tokens/${tokenOfB}`), 'token_not_found'],
      [await op('POST', `/manage/projects/${projectB}/tokens/revoke`), 'project_not_found'],
      [await op('POST', '/manage/cache/purge', { project_id: projectB }), 'project_not_found'],
      [await op('GET', `/manage/audit?project_id=${projectB}`), 'project_not_found'],
      [await op('POST', '/manage/rpc/usage.daily', { group_by: 'token', token_id: tokenOfB }), 'token_not_found'],
    ] as const;
    for (const [res, code] of notFound) expect([res.status, res.json.code]).toEqual([404, code]);
    const auditOfB = (await auditRows(`project_id=${projectB}`))[0]!;
    expect((await t.manage('GET', `/manage/audit/${(auditOfB as unknown as { id: string }).id}`)).status).toBe(200);
    expect((await op('GET', `/manage/audit/${(auditOfB as unknown as { id: string }).id}`)).json.code).toBe('audit_event_not_found');

    const forbidden = [
      await op('GET', `/manage/projects/${projectA}/keys`),
      await op('POST', `/manage/projects/${projectA}/keys`, { label: 'mine', api_key: 'sk-operator-key-0000' }),
      await op('PATCH', `/manage/projects/${projectA}`, { name: 'x' }),
      await op('POST', '/manage/projects', { name: 'own', api_key: 'sk-operator-key-0000' }),
      await op('GET', '/manage/admins'),
      await op('POST', '/manage/admins', { name: 'friend', role: 'owner' }),
      await op('POST', '/manage/rpc/system.info', {}),
      await op('POST', '/manage/rpc/dashboard.summary', {}),
      await op('POST', '/manage/cache/purge', { all: true }),
      await op('GET', '/metrics'),
      await op('GET', '/manage/stream/dashboard.live'),
    ];
    for (const res of forbidden) expect([res.status, res.json?.code]).toEqual([403, 'forbidden_role']);
    expect((await t.manage('GET', `/manage/tokens/${tokenOfB}`)).json).toMatchObject({ is_active: true, name: null });
  });
});

describe('changing and removing admins', () => {
  it('applies a role change and a removal on the next call; rotating gives a new token and retires the old one', async () => {
    const paula = await createAdmin({ name: 'paula', role: 'viewer' });
    const asPaula = () => as(paula.token);
    expect((await asPaula()('POST', '/manage/tokens', { project_id: projectA, duration_minutes: 5 })).status).toBe(403);
    const promoted = await t.manage('PATCH', `/manage/admins/${paula.id}`, { role: 'operator', project_ids: [projectA] });
    expect(promoted.json).toMatchObject({ role: 'operator', project_ids: [projectA] });
    expect((await asPaula()('POST', '/manage/tokens', { project_id: projectA, duration_minutes: 5 })).status).toBe(201);
    expect((await t.manage('PATCH', `/manage/admins/${paula.id}`, { role: 'viewer' })).json).toMatchObject({ role: 'viewer', project_ids: [] });

    const rotated = await asPaula()('POST', '/manage/admins/me/token');
    expect(rotated.status).toBe(200);
    issued.push(rotated.json.token);
    expect(rotated.json.token).not.toBe(paula.token);
    expect((await asPaula()('GET', '/manage/projects')).status).toBe(401);
    const asNew = as(rotated.json.token);
    expect((await asNew('GET', '/manage/admins/me')).json.name).toBe('paula');
    expect((await t.manage('POST', '/manage/admins/me/token')).json.code).toBe('not_a_named_admin');

    expect((await t.manage('DELETE', `/manage/admins/${paula.id}`)).status).toBe(204);
    const refused = await asNew('GET', '/manage/projects');
    expect([refused.status, refused.json.code]).toEqual([401, 'unauthorized']);
    expect((await t.manage('DELETE', `/manage/admins/${paula.id}`)).json.code).toBe('admin_not_found');

    const trail = await auditRows('search=paula');
    expect(trail.filter((e) => e.actor === 'management').map((e) => e.action)).toEqual(['admin.remove', 'admin.update', 'admin.update', 'admin.create']);
    expect(trail.find((e) => e.action === 'admin.rotate_token')).toMatchObject({ actor: 'admin:paula' });
  });

  it('never shows an admin token in logs, audit or answers after creation', async () => {
    await t.app.flush();
    const everything = [
      t.logs(),
      JSON.stringify((await t.manage('GET', '/manage/audit?page_size=500')).json),
      JSON.stringify((await t.manage('GET', '/manage/admins')).json),
    ].join('\n');
    expect(issued.length).toBeGreaterThan(5);
    for (const token of issued) expect(everything).not.toContain(token);
  });
});
