// `llm-proxy admin` against the real app: create (token once), list (no secrets), update by name,
// rotate with the admin's own token, remove (the token stops working).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../core/testing/test-app.ts';
import { run } from './test-support.ts';

let t: TestApp;
let projectId: string;
beforeAll(async () => {
  t = await startTestApp();
  projectId = (await t.manage('POST', '/manage/projects', { name: 'team-a', api_key: 'sk-cli-admin-test-key-1234' })).json.id;
});
afterAll(() => t?.close());

const as = (token: string) => ['--url', t.url, '--management-token', token];
const admin = (...args: string[]) => run(['admin', ...args, ...as(t.managementToken)]);
const TOKEN = /\n {2}(llmp_admin_[A-Za-z0-9_-]{43})\n/;

describe('llm-proxy admin', () => {
  it('creates an operator of a project named by name, shows the token once and lists without it', async () => {
    const created = await admin('create', '--name', 'olga', '--role', 'operator', '--projects', 'team-a');
    expect(created).toMatchObject({ code: 0, stderr: '' });
    const token = created.stdout.match(TOKEN)![1]!;
    expect(created.stdout).toContain('Admin olga (operator) created. It is shown only this once');

    const listed = await admin('list');
    expect(listed.stdout).toMatch(/olga\s+│ operator\s+│ [0-9a-f-]{36}/);
    expect(listed.stdout).toContain(`llmp_admin_…${token.slice(-4)}`);
    expect(listed.stdout).not.toContain(token);
    const json = JSON.parse((await admin('list', '--json')).stdout);
    expect(json).toEqual([expect.objectContaining({ name: 'olga', role: 'operator', project_ids: [projectId] })]);

    // The operator's own token works with the CLI, inside its role.
    expect((await run(['token', 'create', '--project', 'team-a', ...as(token)])).code).toBe(0);
    const refused = await run(['admin', 'list', ...as(token)]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('forbidden_role');
  });

  it('updates by name, rotates with the admin’s own token and removes', async () => {
    const token = (await admin('create', '--name', 'vic', '--role', 'viewer')).stdout.match(TOKEN)![1]!;
    const updated = await admin('update', 'vic', '--role', 'operator', '--projects', projectId);
    expect(updated.stdout).toContain(`Admin vic is now operator of ${projectId}.`);
    expect((await admin('update', 'vic')).code).toBe(2);
    expect((await admin('update', 'nobody', '--role', 'viewer')).stderr).toContain('admin_not_found');
    expect((await admin('create', '--name', 'x', '--role', 'root')).code).toBe(2);

    const rotated = await run(['admin', 'rotate', ...as(token)]);
    expect(rotated.code).toBe(0);
    const newToken = rotated.stdout.match(TOKEN)![1]!;
    expect((await run(['token', 'list', ...as(token)])).code).not.toBe(0);
    expect((await run(['token', 'list', ...as(newToken)])).code).toBe(0);

    expect((await admin('remove', 'vic')).stdout).toContain('Admin vic removed; their token no longer works.');
    const after = await run(['token', 'list', ...as(newToken)]);
    expect(after.code).not.toBe(0);
    expect(after.stderr).toContain('unauthorized');
  });
});
