// A project's upstream keys, providers and transformations through /manage, against the real app and a
// real SQLite store: what scripts see (statuses, codes, masking), what the audit trail keeps (never a
// key), and that the proxy uses a change from the very next request.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../testing/mock-upstream.ts';
import { startTestApp, type TestApp } from '../testing/test-app.ts';

const KEY_A = 'sk-proj-first-key-aaaa';
const KEY_B = 'sk-proj-second-key-bbbb';
const KEY_C = 'sk-proj-rotated-key-cccc';
let t: TestApp;
let upstream: MockUpstream;

beforeEach(async () => {
  upstream = await startMockUpstream();
  t = await startTestApp();
});
afterEach(async () => {
  await t.close();
  await upstream.close();
});

async function newProject(body: Record<string, unknown> = {}) {
  const res = await t.manage('POST', '/manage/projects', { name: 'alpha', api_key: KEY_A, base_url: upstream.url, ...body });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  return res.json as { id: string; api_key: string; key_count: number };
}

async function chat(token: string, extra: Record<string, unknown> = {}) {
  return fetch(`${t.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], ...extra }),
  });
}

async function mint(projectId: string): Promise<string> {
  return (await t.manage('POST', '/manage/tokens', { project_id: projectId, duration_minutes: 10 })).json.token;
}

describe('upstream keys', () => {
  it('lists, adds, relabels, reweights, disables, enables, rotates and removes keys, always masked', async () => {
    const project = await newProject();
    expect(project).toMatchObject({ api_key: 'sk-…aaaa', key_count: 1 });
    const base = `/manage/projects/${project.id}/keys`;

    const listed = await t.manage('GET', base);
    expect(listed.status).toBe(200);
    expect(listed.json).toHaveLength(1);
    expect(listed.json[0]).toMatchObject({
      project_id: project.id,
      label: 'default',
      key: 'sk-…aaaa',
      weight: 1,
      is_enabled: true,
      health: 'healthy',
      cooling_down_until: null,
      request_count: 0,
      failure_count: 0,
    });

    const added = await t.manage('POST', base, { label: 'team-b', api_key: KEY_B, weight: 3 });
    expect(added.status).toBe(201);
    expect(added.json).toMatchObject({ label: 'team-b', key: 'sk-…bbbb', weight: 3, is_enabled: true, health: 'healthy' });
    const keyB = added.json.id as string;
    expect((await t.manage('GET', `/manage/projects/${project.id}`)).json).toMatchObject({ api_key: 'sk-…aaaa', key_count: 2 });

    const relabelled = await t.manage('PATCH', `${base}/${keyB}`, { label: 'team-b2', weight: 7 });
    expect(relabelled.json).toMatchObject({ label: 'team-b2', weight: 7 });
    const disabled = await t.manage('PATCH', `${base}/${keyB}`, { is_enabled: false });
    expect(disabled.json).toMatchObject({ is_enabled: false, health: 'disabled' });
    const enabled = await t.manage('PATCH', `${base}/${keyB}`, { is_enabled: true });
    expect(enabled.json).toMatchObject({ is_enabled: true, health: 'healthy' });
    const rotated = await t.manage('PATCH', `${base}/${keyB}`, { api_key: KEY_C });
    expect(rotated.json).toMatchObject({ id: keyB, label: 'team-b2', key: 'sk-…cccc' });

    const removed = await t.manage('DELETE', `${base}/${keyB}`);
    expect(removed.status).toBe(204);
    expect(removed.json).toBeNull();
    expect((await t.manage('GET', base)).json.map((k: { label: string }) => k.label)).toEqual(['default']);

    const everything = JSON.stringify([listed.json, added.json, relabelled.json, rotated.json, (await t.manage('GET', '/manage/audit?page_size=500')).json]);
    for (const secret of [KEY_A, KEY_B, KEY_C]) expect(everything).not.toContain(secret);
  });

  it('answers the same methods over /manage/rpc', async () => {
    const project = await newProject();
    const added = await t.manage('POST', '/manage/rpc/keys.add', { project_id: project.id, label: 'rpc', api_key: KEY_B });
    expect(added.status).toBe(200);
    expect(added.json.value).toMatchObject({ label: 'rpc', key: 'sk-…bbbb' });
    const removed = await t.manage('POST', '/manage/rpc/keys.remove', { project_id: project.id, id: added.json.value.id });
    expect(removed.json.value).toMatchObject({ id: added.json.value.id, label: 'rpc' });
    expect((await t.manage('POST', '/manage/rpc/keys.list', { project_id: project.id })).json.value).toHaveLength(1);
  });

  it('audits every change with label and weight, never the key', async () => {
    const project = await newProject();
    const base = `/manage/projects/${project.id}/keys`;
    const { json: key } = await t.manage('POST', base, { label: 'b', api_key: KEY_B }, { 'x-request-id': 'req-key-add' });
    await t.manage('PATCH', `${base}/${key.id}`, { weight: 5 });
    await t.manage('PATCH', `${base}/${key.id}`, { is_enabled: false });
    await t.manage('PATCH', `${base}/${key.id}`, { is_enabled: true });
    await t.manage('PATCH', `${base}/${key.id}`, { api_key: KEY_C });
    await t.manage('DELETE', `${base}/${key.id}`);
    const { json } = await t.manage('GET', '/manage/audit?search=upstream_key.&page_size=50');
    type Event = { action: string; target_type: string; target_id: string; project_id: string; request_id: string; details: Record<string, unknown> };
    const events = (json.events as Event[]).filter((e) => e.action.startsWith('upstream_key.')).reverse();
    expect(events.map((e) => e.action)).toEqual([
      'upstream_key.add',
      'upstream_key.update',
      'upstream_key.disable',
      'upstream_key.enable',
      'upstream_key.rotate',
      'upstream_key.remove',
    ]);
    expect(events[0]).toMatchObject({
      target_type: 'upstream_key',
      target_id: key.id,
      project_id: project.id,
      request_id: 'req-key-add',
      details: { label: 'b', weight: 1 },
    });
    expect(events[1]!.details).toMatchObject({ label: 'b', weight: 5, changed: ['weight'] });
    expect(events[4]!.details).toMatchObject({ changed: ['api_key'] });
    expect(events.every((e) => (e as Event & { target_label: string }).target_label === 'b')).toBe(true);
    expect(JSON.stringify(json)).not.toContain(KEY_B);
    expect(JSON.stringify(json)).not.toContain(KEY_C);
  });

  it('names the key by its label in audit rows that carry only its id (a refused change)', async () => {
    const project = await newProject();
    const [only] = (await t.manage('GET', `/manage/projects/${project.id}/keys`)).json;
    expect((await t.manage('DELETE', `/manage/projects/${project.id}/keys/${only.id}`)).json.code).toBe('last_upstream_key');
    const { json } = await t.manage('GET', '/manage/audit?action=keys.remove');
    expect(json.events).toHaveLength(1);
    expect(json.events[0]).toMatchObject({ outcome: 'failure', target_id: only.id, target_type: 'upstream_key', target_label: 'default' });
    expect((await t.manage('GET', `/manage/audit/${json.events[0].id}`)).json).toMatchObject({ target_label: 'default' });
    // An event about something else has none.
    const created = (await t.manage('GET', '/manage/audit?action=project.create')).json.events[0];
    expect(created.target_label).toBeNull();
  });

  it('keeps one enabled key: the last key cannot be removed, the only enabled one cannot be disabled', async () => {
    const project = await newProject();
    const base = `/manage/projects/${project.id}/keys`;
    const [only] = (await t.manage('GET', base)).json;
    const removeLast = await t.manage('DELETE', `${base}/${only.id}`);
    expect(removeLast.status).toBe(409);
    expect(removeLast.json.code).toBe('last_upstream_key');
    const disableOnly = await t.manage('PATCH', `${base}/${only.id}`, { is_enabled: false });
    expect(disableOnly.status).toBe(409);
    expect(disableOnly.json.code).toBe('last_upstream_key');

    const { json: second } = await t.manage('POST', base, { label: 'b', api_key: KEY_B });
    await t.manage('PATCH', `${base}/${second.id}`, { is_enabled: false });
    expect((await t.manage('DELETE', `${base}/${only.id}`)).json.code).toBe('last_upstream_key');
    // A disabled key can go while an enabled one stays.
    expect((await t.manage('DELETE', `${base}/${second.id}`)).status).toBe(204);
  });

  it('rotates through PATCH /manage/projects/{id} only while the project has exactly one key', async () => {
    const project = await newProject();
    const rotated = await t.manage('PATCH', `/manage/projects/${project.id}`, { api_key: KEY_C });
    expect(rotated.json).toMatchObject({ api_key: 'sk-…cccc', key_count: 1 });
    await t.manage('POST', `/manage/projects/${project.id}/keys`, { label: 'b', api_key: KEY_B });
    const ambiguous = await t.manage('PATCH', `/manage/projects/${project.id}`, { api_key: KEY_A, name: 'renamed' });
    expect(ambiguous.status).toBe(409);
    expect(ambiguous.json.code).toBe('ambiguous_upstream_key');
    expect(ambiguous.json.error).toContain(`/manage/projects/${project.id}/keys/`);
    // Nothing of the refused change was written.
    expect((await t.manage('GET', `/manage/projects/${project.id}`)).json).toMatchObject({ name: 'alpha', api_key: 'sk-…cccc' });
  });

  it('answers 404 for a key of another project, and the usual codes for bad input', async () => {
    const alpha = await newProject();
    const beta = await newProject({ name: 'beta', api_key: KEY_B });
    const [betaKey] = (await t.manage('GET', `/manage/projects/${beta.id}/keys`)).json;
    const uuid = '0193a5b2-0000-7000-8000-000000000000';
    const alphaKeys = `/manage/projects/${alpha.id}/keys`;
    const cases: [string, string, unknown, number, string][] = [
      ['PATCH', `${alphaKeys}/${betaKey.id}`, { weight: 2 }, 404, 'upstream_key_not_found'],
      ['DELETE', `${alphaKeys}/${betaKey.id}`, undefined, 404, 'upstream_key_not_found'],
      ['PATCH', `${alphaKeys}/${uuid}`, { weight: 2 }, 404, 'upstream_key_not_found'],
      ['GET', `/manage/projects/${uuid}/keys`, undefined, 404, 'project_not_found'],
      ['POST', `/manage/projects/${uuid}/keys`, { label: 'x', api_key: 'sk-1' }, 404, 'project_not_found'],
      ['POST', alphaKeys, { label: 'default', api_key: 'sk-1' }, 409, 'duplicate_name'],
      ['POST', alphaKeys, { label: 'x', api_key: 'sk-1', weight: 0 }, 400, 'validation_failed'],
      ['POST', alphaKeys, { label: 'x', api_key: 'sk-1', weight: 1001 }, 400, 'validation_failed'],
      ['POST', alphaKeys, { label: 'x', api_key: 'sk-1', weight: 1.5 }, 400, 'validation_failed'],
      ['POST', alphaKeys, { label: 'x'.repeat(51), api_key: 'sk-1' }, 400, 'validation_failed'],
      ['POST', alphaKeys, { label: 'a\nb', api_key: 'sk-1' }, 400, 'validation_failed'],
      ['POST', alphaKeys, { label: 'x' }, 400, 'validation_failed'],
      ['POST', alphaKeys, { label: 'x', api_key: 'sk 1' }, 400, 'validation_failed'],
      ['POST', alphaKeys, { label: 'x', api_key: 'sk-1', is_enabled: false }, 400, 'validation_failed'],
      ['POST', alphaKeys, '[]', 400, 'validation_failed'],
      ['PATCH', `${alphaKeys}/not-a-uuid`, { weight: 2 }, 400, 'validation_failed'],
      ['PATCH', `${alphaKeys}/${betaKey.id}`, { label: '' }, 400, 'validation_failed'],
    ];
    for (const [method, url, body, status, code] of cases) {
      const res = await t.manage(method, url, body);
      expect([res.status, res.json?.code], `${method} ${url} ${JSON.stringify(body)}`).toEqual([status, code]);
    }
    // A taken label on update is the same 409.
    const { json: other } = await t.manage('POST', alphaKeys, { label: 'other', api_key: 'sk-2' });
    expect((await t.manage('PATCH', `${alphaKeys}/${other.id}`, { label: 'default' })).json.code).toBe('duplicate_name');
  });

  it('uses a change from the next request: a new key, a disabled key, a rotated key', async () => {
    const project = await newProject();
    const base = `/manage/projects/${project.id}/keys`;
    const [first] = (await t.manage('GET', base)).json;
    const token = await mint(project.id);
    expect((await chat(token)).status).toBe(200);
    expect(upstream.received.at(-1)?.headers.authorization).toBe(`Bearer ${KEY_A}`);

    await t.manage('POST', base, { label: 'b', api_key: KEY_B });
    await t.manage('PATCH', `${base}/${first.id}`, { is_enabled: false });
    expect((await chat(token)).status).toBe(200);
    expect(upstream.received.at(-1)?.headers.authorization).toBe(`Bearer ${KEY_B}`);

    const [, second] = (await t.manage('GET', base)).json;
    await t.manage('PATCH', `${base}/${second.id}`, { api_key: KEY_C });
    expect((await chat(token)).status).toBe(200);
    expect(upstream.received.at(-1)?.headers.authorization).toBe(`Bearer ${KEY_C}`);
  });

  it('shows a failing key cooling down, with its last error, and the other key taking over', async () => {
    const project = await newProject();
    const base = `/manage/projects/${project.id}/keys`;
    const [first] = (await t.manage('GET', base)).json;
    await t.manage('POST', base, { label: 'b', api_key: KEY_B });
    upstream.keyBehaviour[KEY_A] = 500;
    const token = await mint(project.id);
    for (let i = 0; i < 4; i++) expect((await chat(token)).status).toBe(200);
    const keys = (await t.manage('GET', base)).json as {
      id: string;
      health: string;
      cooling_down_until: string | null;
      last_error: string | null;
      last_error_at: string | null;
    }[];
    const failing = keys.find((k) => k.id === first.id)!;
    expect(failing.health).toBe('cooling_down');
    expect(Date.parse(failing.cooling_down_until!)).toBeGreaterThan(Date.now());
    expect(failing.last_error).toBeTruthy();
    expect(failing.last_error_at).not.toBeNull();
    expect(keys.find((k) => k.id !== first.id)!.health).toBe('healthy');
  });
});

describe('providers', () => {
  it("defaults the base URL to the provider's own", async () => {
    const anthropic = await t.manage('POST', '/manage/projects', { name: 'claude', api_key: 'sk-ant-1234', provider: 'anthropic' });
    expect(anthropic.json).toMatchObject({ provider: 'anthropic', base_url: 'https://api.anthropic.com' });
    const openai = await t.manage('POST', '/manage/projects', { name: 'gpt', api_key: 'sk-1234' });
    expect(openai.json).toMatchObject({ provider: 'openai', base_url: 'https://api.openai.com' });
  });

  it.each([
    ['openai-compatible', /OpenAI-compatible.*11434/],
    ['azure', /Azure OpenAI.*openai\.azure\.com\/openai/],
  ])('asks %s projects for a base URL', async (provider, message) => {
    const res = await t.manage('POST', '/manage/projects', { name: 'p', api_key: 'sk-1234', provider });
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('validation_failed');
    expect(res.json.issues).toEqual([{ path: 'base_url', message: expect.stringMatching(message) }]);
    expect((await t.manage('GET', '/manage/projects')).json).toEqual([]);
  });

  it('creates Azure and OpenAI-compatible projects with a base URL, and refuses unknown providers', async () => {
    const azure = await t.manage('POST', '/manage/projects', {
      name: 'az',
      api_key: 'azure-key-1234',
      provider: 'azure',
      base_url: 'https://example-resource.openai.azure.com/openai',
    });
    expect(azure.json).toMatchObject({ provider: 'azure', base_url: 'https://example-resource.openai.azure.com/openai' });
    const ollama = await t.manage('POST', '/manage/projects', {
      name: 'local',
      api_key: 'ollama',
      provider: 'openai-compatible',
      base_url: 'http://127.0.0.1:11434/v1',
    });
    expect(ollama.json).toMatchObject({ provider: 'openai-compatible', base_url: 'http://127.0.0.1:11434' });
    const unknown = await t.manage('POST', '/manage/projects', { name: 'x', api_key: 'sk-1', provider: 'mistral' });
    expect(unknown.status).toBe(400);
    expect(unknown.json.issues[0]).toMatchObject({ path: 'provider', message: expect.stringContaining('openai-compatible') });
  });

  it('names the first key with key_label', async () => {
    const project = await newProject({ key_label: 'primary' });
    expect((await t.manage('GET', `/manage/projects/${project.id}/keys`)).json[0].label).toBe('primary');
  });
});

describe('transformations', () => {
  const full = {
    default_model: 'gpt-4o-mini',
    model_aliases: { fast: 'gpt-4o-mini', smart: 'gpt-4o' },
    max_tokens_ceiling: 2000,
    set_headers: { 'X-Team': 'research', 'openai-organization': 'org-123' },
    remove_headers: ['X-Debug', 'x-debug'],
    system_prompt_prefix: 'Answer in English.',
  };

  it('creates, shows, replaces and clears them (snake_case, header names lower-cased)', async () => {
    const project = await newProject({ transformations: full });
    const expected = { ...full, set_headers: { 'x-team': 'research', 'openai-organization': 'org-123' }, remove_headers: ['x-debug'] };
    expect((project as unknown as { transformations: unknown }).transformations).toEqual(expected);
    expect((await t.manage('GET', `/manage/projects/${project.id}`)).json.transformations).toEqual(expected);
    expect((await t.manage('GET', '/manage/projects')).json[0].transformations).toEqual(expected);

    const replaced = await t.manage('PATCH', `/manage/projects/${project.id}`, { transformations: { max_tokens_ceiling: 10 } });
    expect(replaced.json.transformations).toEqual({ max_tokens_ceiling: 10 });
    const emptied = await t.manage('PATCH', `/manage/projects/${project.id}`, { transformations: { model_aliases: {}, remove_headers: [] } });
    expect(emptied.json.transformations).toEqual({});
    await t.manage('PATCH', `/manage/projects/${project.id}`, { transformations: full });
    const cleared = await t.manage('PATCH', `/manage/projects/${project.id}`, { transformations: null });
    expect(cleared.json.transformations).toEqual({});
    const untouched = await t.manage('PATCH', `/manage/projects/${project.id}`, { name: 'renamed' });
    expect(untouched.json.transformations).toEqual({});

    const { json } = await t.manage('GET', '/manage/audit?action=project.update&page_size=50');
    expect(json.events.at(-1).details).toMatchObject({ changed: ['transformations'], transformations: ['max_tokens_ceiling'] });
    // Header values may be private: the audit trail names the fields only.
    expect(JSON.stringify(json)).not.toContain('org-123');
  });

  it('applies them to the next request', async () => {
    const project = await newProject();
    const token = await mint(project.id);
    await t.manage('PATCH', `/manage/projects/${project.id}`, {
      transformations: { model_aliases: { fast: 'gpt-4o-mini' }, set_headers: { 'x-team': 'research' } },
    });
    expect((await chat(token, { model: 'fast' })).status).toBe(200);
    const sent = upstream.received.at(-1)!;
    expect(JSON.parse(sent.body).model).toBe('gpt-4o-mini');
    expect(sent.headers['x-team']).toBe('research');
  });

  it.each([
    ['an unknown field', { temperature: 0 }, 'transformations'],
    ['a credential header', { set_headers: { Authorization: 'Bearer x' } }, 'transformations.set_headers.Authorization'],
    ['the api-key header', { set_headers: { 'api-key': 'x' } }, 'transformations.set_headers.api-key'],
    ['removing host', { remove_headers: ['Host'] }, 'transformations.remove_headers.0'],
    ['removing content-length', { remove_headers: ['content-length'] }, 'transformations.remove_headers.0'],
    ['setting cookie', { set_headers: { cookie: 'a=b' } }, 'transformations.set_headers.cookie'],
    ['a header name with a space', { set_headers: { 'x a': 'b' } }, 'transformations.set_headers.x a'],
    ['a value with a line break', { set_headers: { 'x-a': 'b\r\nx-evil: 1' } }, 'transformations.set_headers.x-a'],
    ['a value too long', { set_headers: { 'x-a': 'v'.repeat(1001) } }, 'transformations.set_headers.x-a'],
    ['a header both set and removed', { set_headers: { 'x-a': 'b' }, remove_headers: ['X-A'] }, 'transformations.remove_headers'],
    ['a ceiling of 0', { max_tokens_ceiling: 0 }, 'transformations.max_tokens_ceiling'],
    ['a ceiling above 10 million', { max_tokens_ceiling: 10_000_001 }, 'transformations.max_tokens_ceiling'],
    ['a fractional ceiling', { max_tokens_ceiling: 1.5 }, 'transformations.max_tokens_ceiling'],
    ['an alias to a bad model name', { model_aliases: { fast: 'gpt 4' } }, 'transformations.model_aliases.fast'],
    ['a bad alias name', { model_aliases: { 'my alias': 'gpt-4o' } }, 'transformations.model_aliases.my alias'],
    ['too many aliases', { model_aliases: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`a${i}`, 'gpt-4o'])) }, 'transformations.model_aliases'],
    ['a prefix too long', { system_prompt_prefix: 'p'.repeat(10_001) }, 'transformations.system_prompt_prefix'],
    ['an empty default model', { default_model: '' }, 'transformations.default_model'],
  ])('refuses %s with validation_failed at the field', async (_what, transformations, issuePath) => {
    const project = await newProject();
    const res = await t.manage('PATCH', `/manage/projects/${project.id}`, { transformations });
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('validation_failed');
    expect(res.json.issues.map((i: { path: string }) => i.path)).toContain(issuePath);
    expect((await t.manage('GET', `/manage/projects/${project.id}`)).json.transformations).toEqual({});
  });
});

describe('secrets', () => {
  it('never writes an added or rotated key in clear to responses, logs or the database', async () => {
    const project = await newProject();
    const base = `/manage/projects/${project.id}/keys`;
    const texts: string[] = [];
    const { json: key } = await t.manage('POST', base, { label: 'b', api_key: KEY_B });
    texts.push(JSON.stringify(key));
    texts.push(JSON.stringify((await t.manage('PATCH', `${base}/${key.id}`, { api_key: KEY_C })).json));
    texts.push(JSON.stringify((await t.manage('GET', base)).json));
    texts.push(JSON.stringify((await t.manage('GET', '/manage/audit?page_size=500')).json));
    await t.app.flush();
    const dataDir = t.dataDir;
    const logs = t.logs();
    await t.close();
    const database = fs
      .readdirSync(dataDir)
      .filter((f) => f.startsWith('llm-proxy.db'))
      .map((f) => fs.readFileSync(path.join(dataDir, f)).toString('latin1'))
      .join('\n');
    for (const [where, text] of Object.entries({ responses: texts.join('\n'), logs, database })) {
      for (const secret of [KEY_A, KEY_B, KEY_C]) expect(text.includes(secret), `${where} contains ${secret}`).toBe(false);
    }
    t = await startTestApp({ dataDir, managementToken: t.managementToken });
  });
});
