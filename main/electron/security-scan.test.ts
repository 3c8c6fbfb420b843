// The static security scan: Electronegativity over the shell, the preload and the screens (offline: its
// translation and release look-ups are refused at DNS), then our own checks for what it cannot see in
// TypeScript (window options built in one function, IPC sender checks, fuses, CSP).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { mainWindowOptions } from './windows.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);

/** Shipped source files (tests are not shipped). */
function sources(dir: string): string[] {
  return fs
    .readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(ts|tsx|js|mjs|cjs|html)$/.test(e.name) && !/\.test\.tsx?$/.test(e.name))
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)));
}

const SCANNED = ['main/electron', 'preload', 'renderer'];
const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');

/** Each place the scanner is told to look away, and why that is safe. */
const ALLOWED_SUPPRESSIONS: Record<string, string[]> = {
  // Options come from mainWindowOptions() (TypeScript: the scanner does not resolve the call).
  'main/electron/main-window.ts': ['CONTEXT_ISOLATION_JS_CHECK', 'SANDBOX_JS_CHECK', 'AUXCLICK_JS_CHECK'],
  // The one openExternal call, right after the https-only check.
  'main/electron/windows.ts': ['OPEN_EXTERNAL_JS_CHECK'],
};

interface Finding {
  id: string;
  severity: string;
  confidence: string;
  file: string;
  line: number;
  manualReview: boolean;
}

describe('Electronegativity', () => {
  let report: { errors: { file: string; message: string }[]; issues: Finding[] };
  let sarif: { runs: { results: { ruleId: string }[] }[] };

  beforeAll(() => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'llmp-scan-'));
    const target = path.join(work, 'app');
    for (const file of SCANNED.flatMap(sources)) {
      fs.mkdirSync(path.dirname(path.join(target, file)), { recursive: true });
      fs.copyFileSync(path.join(root, file), path.join(target, file));
    }
    // A canary: proves the scanner ran its checks over these files rather than silently finding nothing.
    fs.mkdirSync(path.join(target, 'canary'));
    fs.writeFileSync(path.join(target, 'canary', 'window.js'), 'new BrowserWindow({ webPreferences: { contextIsolation: false } });\n');
    // Its CLI is broken by a newer commander in this tree, so the runner is driven directly.
    const offline = path.join(work, 'offline.cjs');
    fs.writeFileSync(
      offline,
      [
        "const dns = require('node:dns');",
        "const refuse = (host) => Object.assign(new Error('offline scan: ' + host), { code: 'ENOTFOUND' });",
        "dns.lookup = (host, opts, cb) => process.nextTick(typeof opts === 'function' ? opts : cb, refuse(host));",
        'dns.promises.lookup = async (host) => { throw refuse(host); };',
      ].join('\n'),
    );
    const driver = path.join(work, 'scan.cjs');
    fs.writeFileSync(
      driver,
      [
        'const [runner, input, sarifFile, jsonFile] = process.argv.slice(2);',
        "require(runner)({ input, output: sarifFile, isSarif: true, customScan: [], excludeFromScan: [], isRelative: true, isVerbose: false, electronVersionOverride: '45.4.1', parserPlugins: [] }, false)",
        "  .then((r) => require('node:fs').writeFileSync(jsonFile, JSON.stringify({ errors: r.errors, issues: r.issues.map((i) => ({ id: i.id, severity: i.severity.name, confidence: i.confidence.name, file: i.file, line: i.location.line, manualReview: i.manualReview })) })))",
        '  .catch((e) => { console.error(e); process.exit(1); });',
      ].join('\n'),
    );
    const sarifFile = path.join(work, 'report.sarif');
    const jsonFile = path.join(work, 'report.json');
    const runner = require.resolve('@doyensec/electronegativity/dist/runner.js');
    const run = spawnSync(process.execPath, ['--require', offline, driver, runner, target, sarifFile, jsonFile], {
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, LANG: 'en-US' },
    });
    if (run.status !== 0) throw new Error(`electronegativity failed (${run.status}): ${run.stderr}`);
    report = JSON.parse(fs.readFileSync(jsonFile, 'utf8'));
    // The SARIF report is written asynchronously after the runner returns; it is there once the process exits.
    sarif = JSON.parse(fs.readFileSync(sarifFile, 'utf8'));
  }, 150_000);

  it('parses every file it is given, and catches the canary', () => {
    expect(report.errors.filter((e) => !/warning/i.test(e.message))).toEqual([]);
    expect(report.issues.filter((i) => i.file.startsWith('canary')).map((i) => `${i.severity} ${i.id}`)).toContain('HIGH CONTEXT_ISOLATION_JS_CHECK');
  });

  it('reports no high or medium finding in the app', () => {
    const serious = report.issues.filter((i) => !i.file.startsWith('canary') && (i.severity === 'HIGH' || i.severity === 'MEDIUM'));
    expect(serious).toEqual([]);
    expect(sarif.runs[0]!.results.map((r) => r.ruleId).sort()).toEqual(report.issues.map((i) => i.id).sort());
  });

  it('is told to look away only where our own checks cover it', () => {
    for (const file of SCANNED.flatMap(sources)) {
      const disabled = [...read(file).matchAll(/eng-disable[ \t]+([\w \t]+)/g)].flatMap((m) => m[1]!.trim().split(/\s+/));
      expect(disabled, file).toEqual(ALLOWED_SUPPRESSIONS[file] ?? []);
    }
  });
});

describe('our own checks', () => {
  const shellFiles = [...sources('main/electron'), ...sources('preload')];

  it('the window is sandboxed and isolated, without Node', () => {
    expect(mainWindowOptions({ preloadPath: '/p.cjs' }).webPreferences).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      webviewTag: false,
      webSecurity: true,
    });
    for (const file of shellFiles) {
      expect(read(file), file).not.toMatch(
        /sandbox:\s*false|contextIsolation:\s*false|nodeIntegration\w*:\s*true|webSecurity:\s*false|allowRunningInsecureContent:\s*true/,
      );
    }
  });

  it('every window is built from mainWindowOptions()', () => {
    const constructions = shellFiles.flatMap((file) => [...read(file).matchAll(/new BrowserWindow\(([^)]*\)?)/g)].map((m) => `${file}: ${m[1]}`));
    expect(constructions).toEqual(['main/electron/main-window.ts: mainWindowOptions(opts)']);
  });

  it('only ipc.ts touches ipcMain, and every handler goes through the router that checks the sender', () => {
    const users = shellFiles.filter((file) => /\bipcMain\b/.test(read(file).replace(/\/\/.*$/gm, '')));
    expect(users).toEqual(['main/electron/ipc.ts']);
    const ipc = read('main/electron/ipc.ts');
    expect(ipc).toMatch(/ipcMain\.handle\(channel, \(event, payload: unknown\) => router\.handle\(channel, \{ senderFrame: event\.senderFrame \}, payload\)\)/);
    expect(ipc).not.toMatch(/ipcMain\.on\(/);
    // The sender is checked before anything reaches the one door (dispatch), which validates the payload.
    expect(read('main/electron/ipc-router.ts')).toMatch(/checkSender\(caller, isTrustedUrl\);\s*\n\s*const value = await deps\.call\(method, payload\);/);
  });

  it('the preload exposes one object and no ipcRenderer', () => {
    const preload = read('preload/index.ts');
    expect([...preload.matchAll(/exposeInMainWorld\(\s*'([^']+)'/g)].map((m) => m[1])).toEqual(['llmProxy']);
    expect([...preload.matchAll(/ipcRenderer\.(\w+)/g)].map((m) => m[1])).toEqual(['invoke']);
    for (const file of sources('renderer')) expect(read(file), file).not.toMatch(/ipcRenderer|require\(['"]electron/);
  });

  it('the screens carry a strict CSP', () => {
    const csp = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(read('renderer/index.html'))?.[1] ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
  });

  it('the packaged app flips the security fuses', () => {
    expect(read('electron-builder.yml')).toMatch(/^afterPack: build\/after-pack\.cjs$/m);
    const { FUSES } = require(path.join(root, 'build', 'after-pack.cjs'));
    expect(FUSES).toMatchObject({
      runAsNode: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      enableNodeCliInspectArguments: false,
      enableNodeOptionsEnvironmentVariable: false,
    });
  });
});
