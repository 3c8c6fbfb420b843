// `npm start` (scripts/start.js) where no Electron binary can run: the headless server starts and one
// line says why and where the admin screens are.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let child: ChildProcess | undefined;

afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  child = undefined;
});

/** Starts `npm start`'s script and collects stdout lines until `until` matches one. */
function start(env: Record<string, string>, until: RegExp): Promise<{ lines: string[]; match: RegExpExecArray }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmp-start-'));
  const noElectron = fs.mkdtempSync(path.join(os.tmpdir(), 'llmp-no-electron-'));
  child = spawn(process.execPath, [path.join(root, 'scripts', 'start.js'), '--log-level', 'warn'], {
    cwd: root,
    env: {
      ...process.env,
      LLM_PROXY_DATA_DIR: dataDir,
      LLM_PROXY_PORT: '0',
      // Wherever this runs, Electron is "not installed" and never fetched.
      ELECTRON_OVERRIDE_DIST_PATH: noElectron,
      ELECTRON_SKIP_BINARY_DOWNLOAD: '1',
      DISPLAY: ':99',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += String(d)));
  return new Promise((resolve, reject) => {
    readline.createInterface({ input: child!.stdout! }).on('line', (line) => {
      lines.push(line);
      const match = until.exec(line);
      if (match) resolve({ lines, match });
    });
    child!.once('exit', (code) => reject(new Error(`start.js exited (${code}) before printing ${until}:\n${lines.join('\n')}\n${stderr}`)));
  });
}

describe('npm start without an Electron binary', () => {
  it('runs the headless server and says so in one line, with the admin URL', async () => {
    const { lines, match } = await start({}, /^Desktop app unavailable here .* the admin screens are at (\S+) /);
    const adminUrl = match[1]!;
    expect(lines.filter((l) => l.startsWith('Desktop app unavailable'))).toHaveLength(1);
    expect(match[0]).toContain('no Electron binary');
    expect(match[0]).toContain('npx electron');
    expect(lines).toContain(`Admin screens: ${adminUrl} (sign in with the management token)`);
    const listening = lines.find((l) => l.startsWith('LLM Proxy listening on '))!;
    const url = listening.slice('LLM Proxy listening on '.length);
    expect(adminUrl.replace(/\/$/, '')).toBe(`${url}/admin`);
    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(200);

    // Stopping `npm start` stops the server too.
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child!.kill('SIGTERM');
    await exited;
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  });

  it('says when there is no display to show a tray on', async () => {
    const { match } = await start({ DISPLAY: '', WAYLAND_DISPLAY: '' }, /^Desktop app unavailable here \(([^)]*)\)/);
    if (process.platform === 'linux') expect(match[1]).toContain('no display');
  });
});
