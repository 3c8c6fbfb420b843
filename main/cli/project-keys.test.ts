import { describe, expect, it } from 'vitest';
import { at, fakeManagementServer, KEY_ID, KEY_ID_2, PROJECT_ID, run, sampleKey, sampleProject } from './test-support.ts';

const keysPath = `/manage/projects/${PROJECT_ID}/keys`;
const twoKeys = [sampleKey(), sampleKey({ id: KEY_ID_2, label: 'team-b', key: 'sk-…bbbb', weight: 3 })];

describe('project key list', () => {
  it('prints a masked table with state and usage, and the raw JSON with --json', async () => {
    const cooling = sampleKey({
      id: KEY_ID_2,
      label: 'team-b',
      key: 'sk-…bbbb',
      health: 'cooling_down',
      cooling_down_until: '2025-01-01T00:02:00.000Z',
      last_error: 'status_429',
      last_error_at: '2024-12-31T23:59:30.000Z',
    });
    const disabled = sampleKey({ id: 'k3', label: 'old', key: 'sk-…cccc', is_enabled: false, health: 'disabled' });
    const server = await fakeManagementServer({ [`GET ${keysPath}`]: { body: [sampleKey(), cooling, disabled] } });
    const table = await run(['project', 'key', 'list', PROJECT_ID, ...at(server)]);
    expect(table).toMatchObject({ code: 0, stderr: '' });
    expect(table.stdout).toMatch(/│ ID\s+│ Label\s+│ Key\s+│ Weight\s+│ State\s+│ Requests\s+│ Failures\s+│ Tokens in \/ out\s+│ Last error/);
    expect(table.stdout).toMatch(/│ default\s+│ sk-…wxyz │ 1\s+│ enabled, healthy/);
    expect(table.stdout).toMatch(/│ team-b\s+│ sk-…bbbb │ 1\s+│ enabled, cooling down, back in 2 minutes/);
    expect(table.stdout).toContain('status_429 30 seconds ago');
    expect(table.stdout).toMatch(/│ old\s+│ sk-…cccc │ 1\s+│ disabled/);
    const json = await run(['project', 'key', 'list', PROJECT_ID, '--json', ...at(server)]);
    expect(JSON.parse(json.stdout)).toHaveLength(3);
  });

  it('finds the project by name', async () => {
    const server = await fakeManagementServer({
      'GET /manage/projects': { body: [sampleProject({ name: 'research' })] },
      [`GET ${keysPath}`]: { body: twoKeys },
    });
    const result = await run(['project', 'key', 'list', 'research', ...at(server)]);
    expect(result.code).toBe(0);
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['GET /manage/projects', `GET ${keysPath}`]);
  });

  it('says which project names exist when none matches', async () => {
    const server = await fakeManagementServer({ 'GET /manage/projects': { body: [sampleProject()] } });
    const result = await run(['project', 'key', 'list', 'nope', ...at(server)]);
    expect(result).toMatchObject({
      code: 1,
      stderr: `error: No project named "nope". Projects: "demo" (${PROJECT_ID}) (project_not_found)\nhint: list them with llm-proxy project list\n`,
    });
  });
});

describe('project key add', () => {
  it('POSTs label, key and weight, and never prints the key', async () => {
    const server = await fakeManagementServer({ [`POST ${keysPath}`]: { status: 201, body: sampleKey({ label: 'team-b', weight: 3 }) } });
    const result = await run(['project', 'key', 'add', PROJECT_ID, '--label', 'team-b', '--api-key', 'sk-live-team-b-wxyz', '--weight', '3', ...at(server)]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(server.only()).toMatchObject({ method: 'POST', url: keysPath, body: { label: 'team-b', api_key: 'sk-live-team-b-wxyz', weight: 3 } });
    expect(result.stdout).toContain('Key "team-b" added.');
    expect(result.stdout).toMatch(/│ Key\s+│ sk-…wxyz/);
    expect(result.stdout).not.toContain('sk-live-team-b-wxyz');
  });

  it('reads the key from stdin with --api-key -', async () => {
    const server = await fakeManagementServer({ [`POST ${keysPath}`]: { status: 201, body: sampleKey() } });
    const result = await run(['project', 'key', 'add', PROJECT_ID, '--label', 'b', '--api-key', '-', ...at(server)], { stdin: 'sk-from-stdin\n' });
    expect(result.code).toBe(0);
    expect(server.only().body).toEqual({ label: 'b', api_key: 'sk-from-stdin' });
  });

  it.each([
    [['--label', 'b', '--api-key', 'k', '--weight', '0'], /--weight/],
    [['--label', 'b', '--api-key', 'k', '--weight', '1001'], /--weight/],
    [['--api-key', 'k'], /--label/],
    [['--label', 'b'], /--api-key/],
  ])('refuses %j as a usage error', async (flags, message) => {
    const server = await fakeManagementServer({});
    const result = await run(['project', 'key', 'add', PROJECT_ID, ...flags, ...at(server)]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(server.requests).toHaveLength(0);
  });
});

describe('project key enable, disable, rotate, weight, rename, remove', () => {
  const routes = (answer = sampleKey({ id: KEY_ID_2, label: 'team-b' })) => ({
    [`GET ${keysPath}`]: { body: twoKeys },
    [`PATCH ${keysPath}/${KEY_ID_2}`]: { body: answer },
    [`DELETE ${keysPath}/${KEY_ID_2}`]: { status: 204 },
  });

  it('names the key by label or id and PATCHes only what changes', async () => {
    const server = await fakeManagementServer(routes(sampleKey({ id: KEY_ID_2, label: 'team-b', is_enabled: false, health: 'disabled' })));
    const disabled = await run(['project', 'key', 'disable', PROJECT_ID, 'team-b', ...at(server)]);
    expect(disabled.stdout).toContain('Key "team-b" disabled.');
    expect(disabled.stdout).toMatch(/│ State\s+│ disabled/);
    await run(['project', 'key', 'enable', PROJECT_ID, KEY_ID_2, ...at(server)]);
    await run(['project', 'key', 'weight', PROJECT_ID, 'team-b', '7', ...at(server)]);
    await run(['project', 'key', 'rename', PROJECT_ID, 'team-b', 'team-c', ...at(server)]);
    await run(['project', 'key', 'rotate', PROJECT_ID, 'team-b', '--api-key', '-', ...at(server)], { stdin: 'sk-rotated\n' });
    const patches = server.requests.filter((r) => r.method === 'PATCH');
    expect(patches.map((r) => r.body)).toEqual([{ is_enabled: false }, { is_enabled: true }, { weight: 7 }, { label: 'team-c' }, { api_key: 'sk-rotated' }]);
    expect(patches.every((r) => r.url === `${keysPath}/${KEY_ID_2}`)).toBe(true);
  });

  it('removes a key (204) and prints JSON with --json', async () => {
    const server = await fakeManagementServer(routes());
    const human = await run(['project', 'key', 'remove', PROJECT_ID, 'team-b', ...at(server)]);
    expect(human).toMatchObject({ code: 0, stdout: 'Key "team-b" (sk-…bbbb) removed.\n' });
    const json = await run(['project', 'key', 'remove', PROJECT_ID, 'team-b', '--json', ...at(server)]);
    expect(JSON.parse(json.stdout)).toEqual({ id: KEY_ID_2, label: 'team-b', removed: true });
    expect(server.requests.filter((r) => r.method === 'DELETE')).toHaveLength(2);
  });

  it('names the labels when the key is unknown, and passes the server’s 409 on', async () => {
    const server = await fakeManagementServer({
      [`GET ${keysPath}`]: { body: twoKeys },
      [`DELETE ${keysPath}/${KEY_ID}`]: { status: 409, body: { error: '"default" is the last upstream key of "demo"', code: 'last_upstream_key' } },
    });
    const unknown = await run(['project', 'key', 'disable', PROJECT_ID, 'nope', ...at(server)]);
    expect(unknown).toMatchObject({
      code: 1,
      stderr: `error: Project ${PROJECT_ID} has no upstream key "nope" (its keys: "default", "team-b") (upstream_key_not_found)\n`,
    });
    const last = await run(['project', 'key', 'remove', PROJECT_ID, 'default', ...at(server)]);
    expect(last).toMatchObject({ code: 1, stderr: 'error: "default" is the last upstream key of "demo" (last_upstream_key)\n' });
  });

  it('points project update --api-key at key rotate when the project has several keys', async () => {
    const server = await fakeManagementServer({
      [`PATCH /manage/projects/${PROJECT_ID}`]: { status: 409, body: { error: 'Project "demo" has 2 upstream keys', code: 'ambiguous_upstream_key' } },
    });
    const result = await run(['project', 'update', PROJECT_ID, '--api-key', 'sk-new', ...at(server)]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('(ambiguous_upstream_key)');
    expect(result.stderr).toContain(
      `hint: pick the key: llm-proxy project key list ${PROJECT_ID}, then llm-proxy project key rotate ${PROJECT_ID} <key> --api-key -`,
    );
  });
});

describe('project create with providers', () => {
  it('sends the provider, base URL and first key label', async () => {
    const server = await fakeManagementServer({
      'POST /manage/projects': { status: 201, body: sampleProject({ provider: 'azure', base_url: 'https://r.openai.azure.com/openai' }) },
    });
    const result = await run([
      'project',
      'create',
      '--name',
      'az',
      '--api-key',
      'k',
      '--provider',
      'azure',
      '--base-url',
      'https://r.openai.azure.com/openai',
      '--key-label',
      'primary',
      ...at(server),
    ]);
    expect(result.code).toBe(0);
    expect(server.only().body).toEqual({ name: 'az', api_key: 'k', provider: 'azure', base_url: 'https://r.openai.azure.com/openai', key_label: 'primary' });
  });

  it('accepts the four providers and refuses others', async () => {
    const server = await fakeManagementServer({ 'POST /manage/projects': { status: 201, body: sampleProject() } });
    for (const provider of ['openai', 'anthropic', 'openai-compatible', 'azure']) {
      expect((await run(['project', 'create', '--name', 'p', '--api-key', 'k', '--provider', provider, ...at(server)])).code).toBe(0);
    }
    const bad = await run(['project', 'create', '--name', 'p', '--api-key', 'k', '--provider', 'mistral', ...at(server)]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Allowed choices are openai, anthropic, openai-compatible, azure');
  });
});
