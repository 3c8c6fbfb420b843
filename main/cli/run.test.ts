import { describe, expect, it } from 'vitest';
import { run } from './test-support.ts';

describe('exit codes', () => {
  it('--version and --help exit 0 on stdout', async () => {
    const version = await run(['--version']);
    expect(version).toMatchObject({ code: 0, stderr: '' });
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);

    const help = await run(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['serve', 'migrate', 'project', 'token', 'audit']) expect(help.stdout).toContain(command);
  });

  it('an unknown command is a usage error (2)', async () => {
    const result = await run(['tokens', 'list']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("error: unknown command 'tokens'");
  });

  it('a command group without a subcommand shows its help as a usage error (2)', async () => {
    const result = await run(['token']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Usage: llm-proxy token');
  });

  it('extra arguments are a usage error (2)', async () => {
    expect((await run(['token', 'get', 'a', 'b'])).code).toBe(2);
  });

  it('subcommand help lists the connection options with their env vars', async () => {
    const result = await run(['token', 'create', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('LLM_PROXY_URL');
    expect(result.stdout).toContain('LLM_PROXY_MANAGEMENT_TOKEN');
    expect(result.stdout).toContain('--duration <minutes>');
  });
});
