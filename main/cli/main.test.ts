// The one test that runs the real executable, as a user would.
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it, onTestFinished } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

it('`node bin/llm-proxy.js serve --help` lists LLM_PROXY_PORT and its default 8484, exit 0', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, [path.join(root, 'bin/llm-proxy.js'), 'serve', '--help'], { cwd: root });
  expect(stdout).toContain('LLM_PROXY_PORT');
  expect(stdout).toMatch(/--port <number>\s+8484/);
});

it('exits 2 on a usage error', async () => {
  const failure = await promisify(execFile)(process.execPath, [path.join(root, 'bin/llm-proxy.js'), 'serve', '--no-such-flag'], { cwd: root }).then(
    () => undefined,
    (err: { code?: number; stderr?: string }) => err,
  );
  expect(failure?.code).toBe(2);
  expect(failure?.stderr).toContain("unknown option '--no-such-flag'");
});

it('`serve` prints its URL, then closes and exits 0 on SIGTERM', async () => {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'llm-proxy-cli-main-'));
  onTestFinished(() => rm(dataDir, { recursive: true, force: true }));
  const child = spawn(process.execPath, [path.join(root, 'bin/llm-proxy.js'), 'serve', '--port', '0', '--data-dir', dataDir, '--log-level', 'silent'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  onTestFinished(() => void child.kill('SIGKILL'));
  let stdout = '';
  const listening = new Promise<string>((resolve) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const url = /LLM Proxy listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(stdout)?.[1];
      if (url) resolve(url);
    });
  });
  const exited = once(child, 'exit') as Promise<[number | null, string | null]>;

  const url = await Promise.race([listening, exited.then(() => Promise.reject(new Error(`serve exited early: ${stdout}`)))]);
  expect((await fetch(`${url}/health`)).status).toBe(200);
  child.kill('SIGTERM');
  expect(await exited).toEqual([0, null]);
});
