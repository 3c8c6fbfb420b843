import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { at, closedPortUrl, fakeManagementServer, MGMT, PROJECT_ID, run, sampleProject, sampleToken, tempDir, TOKEN_ID } from './test-support.ts';

const FULL_TOKEN = 'llmp_01943f5a00007000800000000000a1secretsecretsecret';

describe('token create', () => {
  it('POSTs project and the default duration (480 minutes), prints the token once and a ready-to-paste snippet', async () => {
    const server = await fakeManagementServer({ 'POST /manage/tokens': { status: 201, body: sampleToken({ token: FULL_TOKEN }) } });
    const result = await run(['token', 'create', '--project', PROJECT_ID, ...at(server)]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(server.only()).toMatchObject({ method: 'POST', url: '/manage/tokens', body: { project_id: PROJECT_ID, duration_minutes: 480 } });
    expect(server.only().headers['authorization']).toBe(`Bearer ${MGMT}`);
    expect(result.stdout).toContain(`\n  ${FULL_TOKEN}\n`);
    expect(result.stdout).toContain(`OPENAI_BASE_URL=${server.url}/v1 OPENAI_API_KEY=${FULL_TOKEN}\n`);
    expect(result.stdout).toMatch(/│ Expires\s+│ in 8 hours \(2025-01-01T08:00:00.000Z\)/);
    expect(result.stdout).toMatch(/│ Allowed models\s+│ gpt-4o-mini, o3\*/);
    expect(result.stdout).toMatch(/│ Requests\s+│ 3 \/ 100/);
  });

  it('takes the project by name (--project my-scripts), as for list, audit and cache', async () => {
    const server = await fakeManagementServer({
      'GET /manage/projects': { body: [sampleProject({ name: 'my-scripts' })] },
      'POST /manage/tokens': { status: 201, body: sampleToken({ token: FULL_TOKEN }) },
      'GET /manage/tokens': { body: [] },
    });
    expect((await run(['token', 'create', '--project', 'my-scripts', ...at(server)])).code).toBe(0);
    expect(server.requests.find((r) => r.method === 'POST')!.body).toMatchObject({ project_id: PROJECT_ID });
    expect((await run(['token', 'list', '--project', 'my-scripts', ...at(server)])).code).toBe(0);
    expect(server.requests.at(-1)!.query).toMatchObject({ project_id: PROJECT_ID });
  });

  it('sends every option the user gave', async () => {
    const server = await fakeManagementServer({ 'POST /manage/tokens': { status: 201, body: sampleToken({ token: FULL_TOKEN }) } });
    await run([
      'token',
      'create',
      '--project',
      PROJECT_ID,
      '--duration',
      '60',
      '--max-requests',
      '0',
      '--allowed-models',
      'gpt-4o-mini, o3*',
      '--name',
      'agent',
      ...at(server),
    ]);
    expect(server.only().body).toEqual({
      project_id: PROJECT_ID,
      duration_minutes: 60,
      max_requests: 0,
      allowed_models: ['gpt-4o-mini', 'o3*'],
      name: 'agent',
    });
  });

  it('prints only the raw JSON with --json', async () => {
    const created = sampleToken({ token: FULL_TOKEN });
    const server = await fakeManagementServer({ 'POST /manage/tokens': { status: 201, body: created } });
    const result = await run(['token', 'create', '--project', PROJECT_ID, '--json', ...at(server)]);
    expect(JSON.parse(result.stdout)).toEqual(created);
  });

  it.each([
    ['--duration', '0'],
    ['--duration', '525601'],
    ['--duration', 'eight'],
    ['--max-requests', '-1'],
    ['--allowed-models', ' , '],
  ])('refuses %s %s as a usage error before sending anything', async (flag, value) => {
    const server = await fakeManagementServer({});
    const result = await run(['token', 'create', '--project', PROJECT_ID, flag, value, ...at(server)]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`error: option '${flag}`);
    expect(server.requests).toHaveLength(0);
  });

  it('shows the project_inactive refusal', async () => {
    const server = await fakeManagementServer({
      'POST /manage/tokens': { status: 403, body: { error: 'The project is inactive', code: 'project_inactive' } },
    });
    const result = await run(['token', 'create', '--project', PROJECT_ID, ...at(server)]);
    expect(result).toEqual({ code: 1, stdout: '', stderr: 'error: The project is inactive (project_inactive)\n' });
  });
});

describe('token list, get, revoke', () => {
  it('passes project_id and active_only=true, and prints a table', async () => {
    const server = await fakeManagementServer({
      'GET /manage/tokens': {
        body: [
          sampleToken({ spend_usd: 0.25, max_budget_usd: 5 }),
          sampleToken({ id: 't2', name: null, max_requests: null, status: 'revoked', last_used_at: '2024-12-31T23:59:30.000Z' }),
        ],
      },
    });
    const result = await run(['token', 'list', '--project', PROJECT_ID, '--active-only', ...at(server)]);
    expect(result.code).toBe(0);
    expect(server.only().query).toEqual({ project_id: PROJECT_ID, active_only: 'true' });
    expect(result.stdout).toMatch(/│ ID\s+│ Name\s+│ Project\s+│ Token\s+│ Status\s+│ Requests\s+│ Spend\s+│ Expires\s+│ Last used/);
    expect(result.stdout).toMatch(
      new RegExp(`│ ${TOKEN_ID} │ ci\\s+│ ${PROJECT_ID} │ llmp_…abcd │ active\\s+│ 3 / 100\\s+│ \\$0\\.25 / \\$5\\s+│ in 8 hours .*│ never`),
    );
    expect(result.stdout).toMatch(/│ t2\s+│ -\s+│.*│ revoked │ 3 \/ ∞\s+│ \$0\s+│.*│ 30 seconds ago \(2024-12-31T23:59:30.000Z\)/);
  });

  it('sends no query without filters; --json prints the raw array', async () => {
    const tokens = [sampleToken()];
    const server = await fakeManagementServer({ 'GET /manage/tokens': { body: tokens } });
    const result = await run(['token', 'list', '--json', ...at(server)]);
    expect(server.only().url).toBe('/manage/tokens');
    expect(JSON.parse(result.stdout)).toEqual(tokens);
  });

  it('gets one token, masked', async () => {
    const server = await fakeManagementServer({ [`GET /manage/tokens/${TOKEN_ID}`]: { body: sampleToken() } });
    const result = await run(['token', 'get', TOKEN_ID, ...at(server)]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/│ Token\s+│ llmp_…abcd/);
    expect(result.stdout).toMatch(/│ Prompt tokens\s+│ 120/);
  });

  it('revokes with DELETE (204, no body)', async () => {
    const server = await fakeManagementServer({ [`DELETE /manage/tokens/${TOKEN_ID}`]: { status: 204 } });
    const human = await run(['token', 'revoke', TOKEN_ID, ...at(server)]);
    const json = await run(['token', 'revoke', TOKEN_ID, '--json', ...at(server)]);
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual([`DELETE /manage/tokens/${TOKEN_ID}`, `DELETE /manage/tokens/${TOKEN_ID}`]);
    expect(server.requests[0]!.headers['content-type']).toBeUndefined();
    expect(human).toEqual({ code: 0, stdout: `Token ${TOKEN_ID} revoked.\n`, stderr: '' });
    expect(JSON.parse(json.stdout)).toEqual({ id: TOKEN_ID, revoked: true });
  });
});

describe('finding the server and the management token', () => {
  it('uses LLM_PROXY_URL and LLM_PROXY_MANAGEMENT_TOKEN', async () => {
    const server = await fakeManagementServer({ 'GET /manage/tokens': { body: [] } });
    const result = await run(['token', 'list'], { env: { LLM_PROXY_URL: `${server.url}/`, LLM_PROXY_MANAGEMENT_TOKEN: 'from-env' } });
    expect(result).toEqual({ code: 0, stdout: 'No tokens.\n', stderr: '' });
    expect(server.only().headers['authorization']).toBe('Bearer from-env');
    expect(server.only().headers['user-agent']).toMatch(/^llm-proxy-cli\//);
  });

  it('--management-token wins over the env var', async () => {
    const server = await fakeManagementServer({ 'GET /manage/tokens': { body: [] } });
    await run(['token', 'list', ...at(server)], { env: { LLM_PROXY_MANAGEMENT_TOKEN: 'from-env' } });
    expect(server.only().headers['authorization']).toBe(`Bearer ${MGMT}`);
  });

  it('reads <data-dir>/management-token when no token is given', async () => {
    const dataDir = await tempDir();
    await writeFile(path.join(dataDir, 'management-token'), 'from-file\n');
    const server = await fakeManagementServer({ 'GET /manage/tokens': { body: [] } });
    await run(['token', 'list', '--url', server.url, '--data-dir', dataDir]);
    await run(['token', 'list', '--url', server.url], { env: { LLM_PROXY_DATA_DIR: dataDir } });
    expect(server.requests.map((r) => r.headers['authorization'])).toEqual(['Bearer from-file', 'Bearer from-file']);
  });

  it('without any token, sends none and says how to supply one on 401', async () => {
    const dataDir = path.join(await tempDir(), 'missing');
    await mkdir(path.dirname(dataDir), { recursive: true });
    const server = await fakeManagementServer({
      'GET /manage/tokens': { status: 401, body: { error: 'A valid management token is required', code: 'unauthorized' } },
    });
    const result = await run(['token', 'list', '--url', server.url, '--data-dir', dataDir]);
    expect(server.only().headers['authorization']).toBeUndefined();
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'error: A valid management token is required (unauthorized)\n' +
        `hint: no management token found: pass --management-token, set LLM_PROXY_MANAGEMENT_TOKEN, or make ${path.join(dataDir, 'management-token')} readable\n`,
    );
  });

  it('says where it tried to connect when nothing listens there', async () => {
    const url = await closedPortUrl();
    const result = await run(['token', 'list', '--url', url, '--management-token', MGMT]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`error: cannot reach ${url}: connection refused (server_unreachable)\nhint: is \`llm-proxy serve\` running at ${url}?\n`);
  });

  it('reports an error page that is not JSON by its status', async () => {
    const server = await fakeManagementServer({ 'GET /manage/tokens': { status: 502, raw: '<html>Bad Gateway</html>' } });
    const result = await run(['token', 'list', ...at(server)]);
    expect(result).toMatchObject({ code: 1, stderr: 'error: the server answered 502 Bad Gateway (http_502)\n' });
  });

  it.each(['not a url', 'ftp://127.0.0.1', 'http://user:pw@127.0.0.1'])('refuses --url %s as a usage error', async (url) => {
    const result = await run(['token', 'list', '--url', url]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: --url must/);
  });
});

describe('token rate limits', () => {
  it('sends --rpm-limit, --tpm-limit and --max-concurrent on create, and shows them', async () => {
    const server = await fakeManagementServer({
      'POST /manage/tokens': { status: 201, body: sampleToken({ token: FULL_TOKEN, rpm_limit: 60, tpm_limit: null, max_concurrent: 2 }) },
    });
    const result = await run([
      'token',
      'create',
      '--project',
      PROJECT_ID,
      '--rpm-limit',
      '60',
      '--tpm-limit',
      'inherit',
      '--max-concurrent',
      '2',
      ...at(server),
    ]);
    expect(result.code).toBe(0);
    expect(server.only().body).toEqual({ project_id: PROJECT_ID, duration_minutes: 480, rpm_limit: 60, tpm_limit: null, max_concurrent: 2 });
    expect(result.stdout).toMatch(/│ Rate limit\s+│ 60 requests \/ min/);
    expect(result.stdout).toMatch(/│ Token limit\s+│ project default/);
    expect(result.stdout).toMatch(/│ Concurrency\s+│ 2 at once/);
  });

  it('token update PATCHes only what was given', async () => {
    const server = await fakeManagementServer({ [`PATCH /manage/tokens/${TOKEN_ID}`]: { body: sampleToken({ rpm_limit: 0 }) } });
    const result = await run(['token', 'update', TOKEN_ID, '--rpm-limit', '0', '--all-models', ...at(server)]);
    expect(result.code).toBe(0);
    expect(server.only()).toMatchObject({ method: 'PATCH', body: { rpm_limit: 0, allowed_models: null } });
    expect(result.stdout).toContain('Token updated.');
    expect(result.stdout).toMatch(/│ Rate limit\s+│ none/);
  });

  it('token update with nothing to change is a usage error', async () => {
    const server = await fakeManagementServer({});
    const result = await run(['token', 'update', TOKEN_ID, ...at(server)]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('nothing to update');
    expect(server.requests).toHaveLength(0);
  });

  it('refuses a negative --rpm-limit before sending anything', async () => {
    const server = await fakeManagementServer({});
    const result = await run(['token', 'create', '--project', PROJECT_ID, '--rpm-limit', '-1', ...at(server)]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("error: option '--rpm-limit");
  });
});
