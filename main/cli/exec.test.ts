// `llm-proxy exec` end to end: the real CLI as a child process, against the real server (in this
// process) and the mock provider; the command it runs is a small node script.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../core/testing/mock-upstream.ts';
import { startTestApp, type TestApp } from '../core/testing/test-app.ts';
import { spawnCli } from './test-support.ts';

/** Each test starts real processes: generous on a busy machine (the CLI rebuilds itself after an edit). */
const SPAWNS = 60_000;

let upstream: MockUpstream;
let t: TestApp;
let projectId: string;

beforeEach(async () => {
  upstream = await startMockUpstream();
  t = await startTestApp();
  const res = await t.manage('POST', '/manage/projects', { name: 'my-scripts', api_key: 'sk-upstream-aaaa1111', base_url: upstream.url });
  expect(res.status).toBe(201);
  projectId = (res.json as { id: string }).id;
});

afterEach(async () => {
  await t.close();
  await upstream.close();
});

const exec = (options: string[], command: string[]) =>
  spawnCli(['exec', '--url', t.url, '--management-token', t.managementToken, ...options, '--', ...command]);

/** A child that reports its environment, lists models with the token it got, then exits with `code`. */
const reportingChild = (code: number) => [
  process.execPath,
  '-e',
  `const r = await fetch(process.env.OPENAI_BASE_URL + '/models', { headers: { authorization: 'Bearer ' + process.env.OPENAI_API_KEY } });
   console.log(JSON.stringify({ status: r.status, env: { OPENAI_BASE_URL: process.env.OPENAI_BASE_URL, ANTHROPIC_BASE_URL: process.env.ANTHROPIC_BASE_URL, OPENAI_API_KEY: process.env.OPENAI_API_KEY, ANTHROPIC_API_KEY: process.env.ANTHROPIC_API_KEY } }));
   process.exit(${code});`,
  '--input-type=module',
];

async function status(token: string): Promise<{ status: number; code: string | undefined }> {
  const res = await fetch(`${t.url}/v1/models`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, code: ((await res.json()) as { error?: { code?: string } }).error?.code };
}

async function execTokens(): Promise<
  {
    name: string;
    project_id: string;
    is_active: boolean;
    allowed_models: string[] | null;
    max_requests: number | null;
    expires_at: string;
    created_at: string;
  }[]
> {
  const res = await t.manage('GET', '/manage/tokens');
  return res.json;
}

describe('llm-proxy exec', () => {
  it(
    'gives the command a working token (both SDK families’ variables), which is refused once the command exits; exit code passed on',
    async () => {
      const run = exec(['--project', 'my-scripts', '--models', 'gpt-4o*', '--max-requests', '5'], reportingChild(3));
      run.child.stdin!.end();
      const [code] = await run.exited;
      expect(code).toBe(3);
      const report = JSON.parse(run.stdout.text.trim()) as { status: number; env: Record<string, string> };
      expect(report.status).toBe(200);
      expect(report.env).toMatchObject({ OPENAI_BASE_URL: `${t.url}/v1`, ANTHROPIC_BASE_URL: t.url });
      expect(report.env.OPENAI_API_KEY).toMatch(/^llmp_/);
      expect(report.env.ANTHROPIC_API_KEY).toBe(report.env.OPENAI_API_KEY);
      expect(run.stderr.text).toBe('');

      expect(await status(report.env.OPENAI_API_KEY!)).toEqual({ status: 401, code: 'token_revoked' });
      const [token] = await execTokens();
      expect(token).toMatchObject({ name: 'exec: node', project_id: projectId, is_active: false, allowed_models: ['gpt-4o*'], max_requests: 5 });
      // The default lifetime: 12 hours.
      expect(Date.parse(token!.expires_at) - Date.parse(token!.created_at)).toBe(12 * 60 * 60 * 1000);
    },
    SPAWNS,
  );

  it(
    'uses the only project when none is named, and --name names the token',
    async () => {
      const run = exec(['--name', 'aider on the billing repo'], reportingChild(0));
      run.child.stdin!.end();
      expect((await run.exited)[0]).toBe(0);
      expect(await execTokens()).toMatchObject([{ name: 'aider on the billing repo', project_id: projectId, is_active: false }]);
    },
    SPAWNS,
  );

  it(
    'passes a signal sent to exec on to the command, and revokes the token after it ends',
    async () => {
      const child = [
        process.execPath,
        '-e',
        `process.on('SIGTERM', () => { console.log('child got SIGTERM'); process.exit(7); });
       console.log('ready ' + process.env.OPENAI_API_KEY);
       setInterval(() => {}, 1000);`,
      ];
      const run = exec(['--project', projectId], child);
      const [, token] = await run.stdout.waitFor(/ready (\S+)\n/);
      expect((await status(token!)).status).toBe(200);
      run.child.kill('SIGTERM');
      expect(await run.exited).toEqual([7, null]);
      expect(run.stdout.text).toContain('child got SIGTERM');
      expect(await status(token!)).toEqual({ status: 401, code: 'token_revoked' });
    },
    SPAWNS,
  );

  it(
    'a command ended by a signal: exit 128 + its number, token revoked',
    async () => {
      const run = exec([], [process.execPath, '-e', `console.log(process.env.OPENAI_API_KEY); process.kill(process.pid, 'SIGKILL');`]);
      run.child.stdin!.end();
      expect((await run.exited)[0]).toBe(128 + 9);
      expect(await status(run.stdout.text.trim())).toEqual({ status: 401, code: 'token_revoked' });
    },
    SPAWNS,
  );

  it(
    'a command that cannot start: exit 127, one error line, and the token it was minted is revoked',
    async () => {
      const run = exec([], ['/no/such/command-llmp']);
      run.child.stdin!.end();
      expect((await run.exited)[0]).toBe(127);
      expect(run.stderr.text).toBe('error: cannot run "/no/such/command-llmp" (ENOENT) (command_not_started)\n');
      expect(await execTokens()).toMatchObject([{ name: 'exec: command-llmp', is_active: false }]);
    },
    SPAWNS,
  );

  it(
    'an unknown project name mints nothing and lists the projects',
    async () => {
      const run = exec(['--project', 'nope'], [process.execPath, '-e', '0']);
      expect((await run.exited)[0]).toBe(1);
      expect(run.stderr.text).toContain(`No project named "nope". Projects: "my-scripts" (${projectId})`);
      expect(await execTokens()).toEqual([]);
    },
    SPAWNS,
  );
});
