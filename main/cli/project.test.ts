import { describe, expect, it } from 'vitest';
import { at, fakeManagementServer, MGMT, PROJECT_ID, run, sampleProject } from './test-support.ts';

const OTHER_ID = '01943f5a-0000-7000-8000-000000000002';
describe('project create', () => {
  it('POSTs the documented body with the management token and prints the project', async () => {
    const server = await fakeManagementServer({ 'POST /manage/projects': { status: 201, body: sampleProject({ provider: 'anthropic' }) } });
    const result = await run([
      'project',
      'create',
      '--name',
      'demo',
      '--api-key',
      'sk-live-1234wxyz',
      '--base-url',
      'https://api.anthropic.com',
      '--provider',
      'anthropic',
      ...at(server),
    ]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const req = server.only();
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/manage/projects');
    expect(req.headers['authorization']).toBe(`Bearer ${MGMT}`);
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.body).toEqual({ name: 'demo', api_key: 'sk-live-1234wxyz', base_url: 'https://api.anthropic.com', provider: 'anthropic' });
    expect(result.stdout).toContain('Project "demo" created.');
    expect(result.stdout).toMatch(/│ API key\s+│ sk-…wxyz/);
    expect(result.stdout).toContain('2 hours ago (2024-12-31T22:00:00.000Z)');
    expect(result.stdout).not.toContain('sk-live-1234wxyz');
  });

  it('reads the API key from stdin with --api-key -', async () => {
    const server = await fakeManagementServer({ 'POST /manage/projects': { status: 201, body: sampleProject() } });
    const result = await run(['project', 'create', '--name', 'demo', '--api-key', '-', ...at(server)], { stdin: 'sk-from-stdin\n' });
    expect(result.code).toBe(0);
    expect(server.only().body).toEqual({ name: 'demo', api_key: 'sk-from-stdin' });
  });

  it('refuses --api-key - when stdin is a terminal (usage error, nothing sent)', async () => {
    const server = await fakeManagementServer({});
    const result = await run(['project', 'create', '--name', 'demo', '--api-key', '-', ...at(server)], { stdinIsTTY: true });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('reads from stdin');
    expect(server.requests).toHaveLength(0);
  });

  it('needs --name and --api-key', async () => {
    const result = await run(['project', 'create', '--api-key', 'k']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("required option '--name <name>' not specified");
  });

  it('prints the server error and its code, exit 1', async () => {
    const server = await fakeManagementServer({
      'POST /manage/projects': { status: 409, body: { error: 'A project named "demo" already exists', code: 'duplicate_name' } },
    });
    const result = await run(['project', 'create', '--name', 'demo', '--api-key', 'k', ...at(server)]);
    expect(result).toEqual({ code: 1, stdout: '', stderr: 'error: A project named "demo" already exists (duplicate_name)\n' });
  });

  it('lists field problems the message does not spell out', async () => {
    const server = await fakeManagementServer({
      'POST /manage/projects': {
        status: 400,
        body: { error: 'Invalid input', code: 'validation_failed', issues: [{ path: 'base_url', message: 'must start with https:// or http://' }] },
      },
    });
    const result = await run(['project', 'create', '--name', 'demo', '--api-key', 'k', '--base-url', 'ftp://x', ...at(server)]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('error: Invalid input (validation_failed)\n  - base_url: must start with https:// or http://\n');
  });
});

describe('project list and get', () => {
  it('prints a table by default and the raw JSON with --json', async () => {
    const projects = [
      sampleProject({ month_spend_usd: 0.5, spend_usd: 1.5, monthly_budget_usd: 20 }),
      sampleProject({ id: 'p2', name: 'other', is_active: false }),
    ];
    const server = await fakeManagementServer({ 'GET /manage/projects': { body: projects } });

    const table = await run(['project', 'list', ...at(server)]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/│ ID\s+│ Name\s+│ Provider\s+│ API key\s+│ Keys\s+│ Active\s+│ Month spend\s+│ Spend\s+│ Created/);
    expect(table.stdout).toMatch(
      new RegExp(
        `│ ${PROJECT_ID} │ demo\\s+│ openai\\s+│ sk-…wxyz │ 1\\s+│ yes\\s+│ \\$0\\.5 / \\$20\\s+│ \\$1\\.5\\s+│ 2 hours ago \\(2024-12-31T22:00:00.000Z\\)`,
      ),
    );
    expect(table.stdout).toMatch(/│ p2\s+│ other\s+│.*│ no /);

    const json = await run(['project', 'list', '--json', ...at(server)]);
    expect(JSON.parse(json.stdout)).toEqual(projects);
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['GET /manage/projects', 'GET /manage/projects']);
  });

  it('says so when there are no projects', async () => {
    const server = await fakeManagementServer({ 'GET /manage/projects': { body: [] } });
    expect((await run(['project', 'list', ...at(server)])).stdout).toContain('No projects yet');
  });

  it('gets one project by id', async () => {
    const server = await fakeManagementServer({ [`GET /manage/projects/${PROJECT_ID}`]: { body: sampleProject() } });
    const result = await run(['project', 'get', PROJECT_ID, ...at(server)]);
    expect(result.code).toBe(0);
    expect(server.only().body).toBeUndefined();
    expect(result.stdout).toMatch(/│ Base URL\s+│ https:\/\/api.openai.com/);
    expect(result.stdout).toMatch(/│ Deactivated\s+│ -/);
  });

  it('takes a project by its name: one list call, then the project by id', async () => {
    const server = await fakeManagementServer({
      'GET /manage/projects': { body: [sampleProject(), sampleProject({ id: OTHER_ID, name: 'my-scripts' })] },
      [`GET /manage/projects/${OTHER_ID}`]: { body: sampleProject({ id: OTHER_ID, name: 'my-scripts' }) },
    });
    const result = await run(['project', 'get', 'my-scripts', '--json', ...at(server)]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(server.requests.map((r) => r.url)).toEqual(['/manage/projects', `/manage/projects/${OTHER_ID}`]);
  });

  it('an unknown name is an error listing the similar projects (or all of them), with nothing else sent', async () => {
    const server = await fakeManagementServer({ 'GET /manage/projects': { body: [sampleProject(), sampleProject({ id: OTHER_ID, name: 'my-scripts' })] } });
    const similar = await run(['project', 'get', 'scripts', ...at(server)]);
    expect(similar).toMatchObject({
      code: 1,
      stderr: `error: No project named "scripts". Did you mean: "my-scripts" (${OTHER_ID}) (project_not_found)\nhint: list them with llm-proxy project list\n`,
    });
    const none = await run(['project', 'get', 'zzz', ...at(server)]);
    expect(none.stderr).toContain(`Projects: "demo" (${PROJECT_ID}), "my-scripts" (${OTHER_ID})`);
    expect(server.requests.every((r) => r.url === '/manage/projects')).toBe(true);
  });

  it('a name two projects share is ambiguous: the error lists both ids', async () => {
    const server = await fakeManagementServer({ 'GET /manage/projects': { body: [sampleProject(), sampleProject({ id: OTHER_ID })] } });
    const result = await run(['project', 'update', 'demo', '--deactivate', ...at(server)]);
    expect(result).toMatchObject({
      code: 1,
      stderr: `error: 2 projects are named "demo": "demo" (${PROJECT_ID}), "demo" (${OTHER_ID}) (ambiguous_project)\nhint: name the project by its id\n`,
    });
    expect(server.requests).toHaveLength(1);
  });
});

describe('project update, deactivate, revoke-tokens', () => {
  const patch = `PATCH /manage/projects/${PROJECT_ID}`;

  it('PATCHes only the fields given', async () => {
    const server = await fakeManagementServer({ [patch]: { body: sampleProject({ name: 'renamed' }) } });
    const result = await run(['project', 'update', PROJECT_ID, '--name', 'renamed', '--base-url', 'http://127.0.0.1:9', ...at(server)]);
    expect(result.code).toBe(0);
    expect(server.only().body).toEqual({ name: 'renamed', base_url: 'http://127.0.0.1:9' });
    expect(result.stdout).toContain('Project updated.');
  });

  it('sends is_active and revoke_tokens', async () => {
    const server = await fakeManagementServer({ [patch]: { body: sampleProject({ is_active: false }) } });
    await run(['project', 'update', PROJECT_ID, '--deactivate', '--revoke-tokens', ...at(server)]);
    await run(['project', 'update', PROJECT_ID, '--activate', '--api-key', '-', ...at(server)], { stdin: 'sk-new' });
    expect(server.requests.map((r) => r.body)).toEqual([
      { is_active: false, revoke_tokens: true },
      { api_key: 'sk-new', is_active: true },
    ]);
  });

  it.each([
    [['--activate', '--deactivate'], /cannot be used with/],
    [['--revoke-tokens'], /--revoke-tokens needs --deactivate/],
    [[], /nothing to update/],
  ])('refuses %j as a usage error before sending anything', async (flags, message) => {
    const server = await fakeManagementServer({});
    const result = await run(['project', 'update', PROJECT_ID, ...flags, ...at(server)]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(server.requests).toHaveLength(0);
  });

  it('deactivate PATCHes is_active false (and revoke_tokens when asked)', async () => {
    const server = await fakeManagementServer({ [patch]: { body: sampleProject({ is_active: false, deactivated_at: '2025-01-01T00:00:00.000Z' }) } });
    const plain = await run(['project', 'deactivate', PROJECT_ID, ...at(server)]);
    const revoking = await run(['project', 'deactivate', PROJECT_ID, '--revoke-tokens', ...at(server)]);
    expect(server.requests.map((r) => r.body)).toEqual([{ is_active: false }, { is_active: false, revoke_tokens: true }]);
    expect(plain.stdout).toContain('Project "demo" deactivated; its tokens are blocked.');
    expect(revoking.stdout).toContain('its tokens are revoked');
  });

  it('revoke-tokens POSTs to the project and prints the counts', async () => {
    const counts = { revoked_count: 2, already_revoked_count: 1, total_tokens: 3 };
    const server = await fakeManagementServer({ [`POST /manage/projects/${PROJECT_ID}/tokens/revoke`]: { body: counts } });
    const human = await run(['project', 'revoke-tokens', PROJECT_ID, ...at(server)]);
    const json = await run(['project', 'revoke-tokens', PROJECT_ID, '--json', ...at(server)]);
    expect(server.requests[0]).toMatchObject({ method: 'POST', body: undefined });
    expect(human.stdout).toBe('Revoked 2 token(s); 1 were already revoked (3 in total).\n');
    expect(JSON.parse(json.stdout)).toEqual(counts);
  });
});

describe('project rate-limit options', () => {
  it('sends default and shared limits on create, and shows them', async () => {
    const server = await fakeManagementServer({
      'POST /manage/projects': { status: 201, body: sampleProject({ default_rpm_limit: 60, shared_rpm_limit: 500, shared_tpm_limit: 90_000 }) },
    });
    const result = await run([
      'project',
      'create',
      '--name',
      'demo',
      '--api-key',
      'sk-live-1234wxyz',
      '--default-rpm-limit',
      '60',
      '--shared-rpm-limit',
      '500',
      '--shared-tpm-limit',
      '90000',
      '--shared-limit-key',
      'team-openai',
      ...at(server),
    ]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(server.only().body).toMatchObject({ default_rpm_limit: 60, shared_rpm_limit: 500, shared_tpm_limit: 90_000, shared_limit_key: 'team-openai' });
    expect(result.stdout).toMatch(/│ Defaults\s+│ 60 requests \/ min \(per token\)/);
    expect(result.stdout).toMatch(/│ Shared\s+│ 500 requests \/ min, 90000 tokens \/ min \(key: from the upstream key\)/);
  });

  it('clears limits with "none" and the key with "default" on update', async () => {
    const server = await fakeManagementServer({ [`PATCH /manage/projects/${PROJECT_ID}`]: { body: sampleProject() } });
    const result = await run([
      'project',
      'update',
      PROJECT_ID,
      '--shared-rpm-limit',
      'none',
      '--default-tpm-limit',
      '0',
      '--shared-limit-key',
      'default',
      ...at(server),
    ]);
    expect(result.code).toBe(0);
    expect(server.only().body).toEqual({ shared_rpm_limit: null, default_tpm_limit: 0, shared_limit_key: null });
  });

  it.each([
    ['--shared-rpm-limit', '-5'],
    ['--default-tpm-limit', 'lots'],
    ['--shared-limit-key', 'has space'],
  ])('refuses %s %s as a usage error', async (flag, value) => {
    const server = await fakeManagementServer({});
    const result = await run(['project', 'update', PROJECT_ID, flag, value, ...at(server)]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`error: option '${flag}`);
    expect(server.requests).toHaveLength(0);
  });
});
