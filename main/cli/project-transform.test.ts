import { describe, expect, it } from 'vitest';
import { at, fakeManagementServer, PROJECT_ID, run, sampleProject } from './test-support.ts';

const projectPath = `/manage/projects/${PROJECT_ID}`;
const current = { default_model: 'gpt-4o-mini', model_aliases: { fast: 'gpt-4o-mini' }, remove_headers: ['x-debug'] };

function server(answer: object = {}) {
  return fakeManagementServer({
    [`GET ${projectPath}`]: { body: sampleProject({ transformations: current }) },
    [`PATCH ${projectPath}`]: { body: sampleProject({ transformations: answer }) },
  });
}

describe('project transform', () => {
  it('shows the current transformations without options', async () => {
    const s = await server();
    const result = await run(['project', 'transform', PROJECT_ID, ...at(s)]);
    expect(result.code).toBe(0);
    expect(s.requests.map((r) => r.method)).toEqual(['GET']);
    expect(result.stdout).toMatch(/│ Default model\s+│ gpt-4o-mini/);
    expect(result.stdout).toMatch(/│ Model aliases\s+│ fast → gpt-4o-mini/);
    expect(result.stdout).toMatch(/│ Remove headers\s+│ x-debug/);
  });

  it('changes field by field, keeping the rest', async () => {
    const s = await server({ max_tokens_ceiling: 2000 });
    const result = await run([
      'project',
      'transform',
      PROJECT_ID,
      '--alias',
      'smart=gpt-4o',
      '--max-tokens',
      '2000',
      '--set-header',
      'X-Team: research',
      '--remove-header',
      'x-a,x-b',
      '--system-prefix',
      'Be brief.',
      ...at(s),
    ]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(s.requests.find((r) => r.method === 'PATCH')?.body).toEqual({
      transformations: {
        default_model: 'gpt-4o-mini',
        model_aliases: { fast: 'gpt-4o-mini', smart: 'gpt-4o' },
        max_tokens_ceiling: 2000,
        set_headers: { 'x-team': 'research' },
        remove_headers: ['x-debug', 'x-a', 'x-b'],
        system_prompt_prefix: 'Be brief.',
      },
    });
    expect(result.stdout).toContain('Transformations of "demo" saved.');
  });

  it('clears everything with --clear, or one field with --no-<field>', async () => {
    const s = await server();
    await run(['project', 'transform', PROJECT_ID, '--clear', ...at(s)]);
    await run(['project', 'transform', PROJECT_ID, '--no-default-model', '--no-aliases', '--alias', 'a=b', ...at(s)]);
    await run(['project', 'transform', PROJECT_ID, '--system-prefix', '-', ...at(s)], { stdin: 'From stdin.\n' });
    expect(s.requests.filter((r) => r.method === 'PATCH').map((r) => r.body)).toEqual([
      { transformations: {} },
      { transformations: { model_aliases: { a: 'b' }, remove_headers: ['x-debug'] } },
      { transformations: { ...current, system_prompt_prefix: 'From stdin.' } },
    ]);
  });

  it.each([
    [['--alias', 'fast'], /--alias/],
    [['--set-header', 'no-colon'], /--set-header/],
    [['--max-tokens', '0'], /--max-tokens/],
  ])('refuses %j as a usage error', async (flags, message) => {
    const s = await server();
    const result = await run(['project', 'transform', PROJECT_ID, ...flags, ...at(s)]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(s.requests).toHaveLength(0);
  });

  it('shows field problems from the server', async () => {
    const s = await fakeManagementServer({
      [`GET ${projectPath}`]: { body: sampleProject() },
      [`PATCH ${projectPath}`]: {
        status: 400,
        body: {
          error: 'Invalid input',
          code: 'validation_failed',
          issues: [{ path: 'transformations.set_headers.authorization', message: 'authorization cannot be set or removed' }],
        },
      },
    });
    const result = await run(['project', 'transform', PROJECT_ID, '--set-header', 'Authorization: x', ...at(s)]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('  - transformations.set_headers.authorization: authorization cannot be set or removed');
  });

  it('summarises them in project get', async () => {
    const s = await server();
    const result = await run(['project', 'get', PROJECT_ID, ...at(s)]);
    expect(result.stdout).toMatch(/│ Transformations\s+│ default model gpt-4o-mini, 1 alias, 1 header removed/);
  });
});
