#!/usr/bin/env node
// `npm start`: the desktop tray app when Electron can run here; otherwise the headless server, with one
// line saying why and where the admin screens are. Arguments pass through (to `llm-proxy serve` when
// headless, to the app on the desktop).
//
//   LLM_PROXY_HEADLESS=1          always run the headless server
//   ELECTRON_SKIP_BINARY_DOWNLOAD=1  do not try to fetch the Electron binary on first start
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { electronDir, installedElectron, root, sqliteForElectron } from '../build/electron-dev.mjs';

const args = process.argv.slice(2);
/** How long a first-start fetch may take before we give up on the desktop app. */
const FETCH_TIMEOUT_MS = 15 * 60_000;

/** The Electron binary is fetched on first use (package.json `allowScripts` skips its install script); try once, quietly unless it takes a while. */
async function fetchElectron() {
  if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD === '1' || !fs.existsSync(path.join(electronDir, 'install.js'))) return null;
  const slow = setTimeout(() => console.log('Fetching the Electron binary (first start only)…'), 3000);
  const ok = await new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(electronDir, 'install.js')], { stdio: 'ignore', timeout: FETCH_TIMEOUT_MS });
    child.on('error', () => resolve(false));
    child.on('exit', (code) => resolve(code === 0));
  });
  clearTimeout(slow);
  return ok ? installedElectron() : null;
}

const WHY_HEADLESS = {
  'no-binary': 'no Electron binary: on a machine with internet, `npx electron --version` fetches it once, then `npm start` opens the tray app',
  'no-display': 'no display to show a tray icon on: start `npm start` from a desktop session',
  asked: 'LLM_PROXY_HEADLESS=1',
};

function headlessLine(reason, adminUrl) {
  return `Desktop app unavailable here (${WHY_HEADLESS[reason]}); running the headless server instead: the admin screens are at ${adminUrl} (sign in with the management token).`;
}

/** Passes signals on once; the child runs in its own process group so Ctrl-C does not reach it twice. */
function forwardSignals(child) {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    });
  }
}

function runHeadless(reason) {
  const child = spawn(process.execPath, [path.join(root, 'bin', 'llm-proxy.js'), 'serve', ...args], {
    cwd: process.cwd(),
    stdio: ['inherit', 'pipe', 'inherit'],
    detached: process.platform !== 'win32',
  });
  forwardSignals(child);
  let told = false;
  readline.createInterface({ input: child.stdout, crlfDelay: Infinity }).on('line', (line) => {
    console.log(line);
    const admin = /^Admin screens: (\S+)/.exec(line);
    if (admin && !told) {
      told = true;
      console.log(headlessLine(reason, admin[1]));
    }
  });
  // A server that did not start has said why (e.g. its port is taken); nothing to add.
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
}

async function runDesktop(binary) {
  const { bundleElectron } = await import('../build/bundle.mjs');
  if (!fs.existsSync(path.join(root, 'dist', 'renderer', 'index.html'))) {
    const { build } = await import('vite');
    await build({ configFile: path.join(root, 'vite.config.ts'), root: path.join(root, 'renderer'), logLevel: 'warn' });
  }
  const outDir = path.join(root, 'dist', 'electron');
  await bundleElectron({ outDir, sqliteDir: sqliteForElectron() });
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  const child = spawn(binary, [path.join(outDir, 'main'), ...args], { stdio: 'inherit', env, detached: process.platform !== 'win32' });
  forwardSignals(child);
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
}

const hasDisplay = process.platform !== 'linux' || !!(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
if (process.env.LLM_PROXY_HEADLESS === '1') runHeadless('asked');
else if (!hasDisplay) runHeadless('no-display');
else {
  const binary = installedElectron() ?? (await fetchElectron());
  if (binary) await runDesktop(binary);
  else runHeadless('no-binary');
}
