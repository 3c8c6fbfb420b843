import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Settings } from '../core/config/settings.ts';
import { AppError } from '../core/errors.ts';
import { runCli } from './run.ts';
import type { CliDeps, StartApp } from './context.ts';
import { memoryIo, run, tempDir } from './test-support.ts';

/** A shutdown signal the test sends by hand. */
function manualSignal() {
  let send: (signal: string) => void = () => {};
  const signal = new Promise<string>((resolve) => (send = resolve));
  return { waitForShutdownSignal: () => signal, send: (s = 'SIGTERM') => send(s) };
}

function fakeApp() {
  const calls: { settings: Settings; closed: boolean }[] = [];
  const startApp: StartApp = async (settings, opts) => {
    const call = { settings, closed: false };
    calls.push(call);
    opts?.log?.('Generated a management token (shown once): mgmt-123');
    return {
      url: `http://${settings.host}:5555`,
      adminUrl: `http://${settings.host}:5555/admin`,
      close: async () => {
        call.closed = true;
      },
    };
  };
  return { calls, loadStartApp: async () => startApp };
}

describe('serve', () => {
  it('starts the app with settings from flags and env, prints one listening line, closes on a signal, exit 0', async () => {
    const app = fakeApp();
    const signal = manualSignal();
    const io = memoryIo({ env: { LLM_PROXY_LOG_LEVEL: 'debug', LLM_PROXY_PORT: '9000' } });
    const deps: Partial<CliDeps> = { loadStartApp: app.loadStartApp, waitForShutdownSignal: signal.waitForShutdownSignal };

    const exit = runCli(['serve', '--port', '0', '--allowed-hosts', 'proxy.lan,10.0.0.5', '--data-dir', 'data'], io, deps);
    await io.stdout.waitFor(/LLM Proxy listening on .*\n/);

    expect(app.calls).toHaveLength(1);
    expect(app.calls[0]!.settings).toMatchObject({
      port: 0,
      logLevel: 'debug',
      allowedHosts: ['proxy.lan', '10.0.0.5'],
      dataDir: path.resolve(io.cwd!, 'data'),
      databaseFile: path.resolve(io.cwd!, 'data', 'llm-proxy.db'),
    });
    expect(io.stdout.text.match(/^LLM Proxy listening on .*$/gm)).toEqual(['LLM Proxy listening on http://127.0.0.1:5555']);
    expect(io.stdout.text).toContain('Generated a management token (shown once): mgmt-123\n');
    expect(app.calls[0]!.closed).toBe(false);

    signal.send('SIGINT');
    expect(await exit).toBe(0);
    expect(app.calls[0]!.closed).toBe(true);
    expect(io.stderr.text).toBe('');
  });

  it('prints a startup AppError as `error: <message> (<code>)` without a stack, exit 1', async () => {
    const failing: StartApp = async () => {
      throw new AppError('schema_too_new', 'The database was written by a newer LLM Proxy');
    };
    const result = await run(['serve', '--port', '0'], {
      deps: { loadStartApp: async () => failing, waitForShutdownSignal: manualSignal().waitForShutdownSignal },
    });
    expect(result).toEqual({ code: 1, stdout: '', stderr: 'error: The database was written by a newer LLM Proxy (schema_too_new)\n' });
  });

  it('refuses bad settings before starting anything, naming the source', async () => {
    const app = fakeApp();
    const result = await run(['serve', '--port', '70000'], { deps: { loadStartApp: app.loadStartApp } });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('error: invalid setting: port must be a whole number from 0 to 65535 (from flag --port, got "70000") (config_invalid)\n');
    expect(app.calls).toHaveLength(0);
  });

  it('never echoes a bad secret', async () => {
    const result = await run(['serve'], { env: { LLM_PROXY_ENCRYPTION_KEY: 'hunter2-not-a-key' }, deps: { loadStartApp: fakeApp().loadStartApp } });
    expect(result.stderr).toContain('LLM_PROXY_ENCRYPTION_KEY');
    expect(result.stderr).not.toContain('hunter2');
  });

  it('--help lists every setting with its env var and default', async () => {
    const result = await run(['serve', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('--config <path>');
    expect(result.stdout).toMatch(/--port <number>\s+8484/);
    expect(result.stdout).toContain('LLM_PROXY_PORT');
    expect(result.stdout).toContain('LLM_PROXY_UPSTREAM_IDLE_TIMEOUT_MS');
    expect(result.stdout).toMatch(/--management-token <token>\s+\(generated\)/);
  });

  it('takes on/off settings as bare flags (--tls-self-signed, --allow-insecure-lan)', async () => {
    const app = fakeApp();
    const signal = manualSignal();
    const io = memoryIo();
    const exit = runCli(['serve', '--tls-self-signed', '--allow-insecure-lan', '--port', '0'], io, {
      loadStartApp: app.loadStartApp,
      waitForShutdownSignal: signal.waitForShutdownSignal,
    });
    await io.stdout.waitFor(/LLM Proxy listening on .*\n/);
    expect(app.calls[0]!.settings).toMatchObject({ tlsSelfSigned: true, allowInsecureLan: true, port: 0 });
    signal.send();
    expect(await exit).toBe(0);
  });

  it('refuses an unknown flag as a usage error (exit 2)', async () => {
    const result = await run(['serve', '--prot', '1']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("error: unknown option '--prot'");
  });
});

describe('serve with the real app', () => {
  it('listens on a free port, answers the CLI, and closes on a signal', async () => {
    const dataDir = await tempDir();
    const signal = manualSignal();
    const io = memoryIo({ env: { LLM_PROXY_LOG_LEVEL: 'silent' } });
    const exit = runCli(['serve', '--port', '0', '--data-dir', dataDir, '--management-token', 'test-management-token-1234-5678-90ab'], io, {
      waitForShutdownSignal: signal.waitForShutdownSignal,
    });
    const [, url] = (await io.stdout.waitFor(/LLM Proxy listening on (http:\/\/127\.0\.0\.1:\d+)\n/)) as [string, string];

    const list = await run(['project', 'list', '--url', url, '--management-token', 'test-management-token-1234-5678-90ab']);
    expect(list).toMatchObject({ code: 0, stdout: expect.stringContaining('No projects yet') });

    signal.send();
    expect(await exit).toBe(0);
  });
});
