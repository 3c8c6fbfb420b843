// The build and packaging pieces that can be checked without an Electron binary: the bundles, the
// electron-builder config (validated by electron-builder itself), the fuse flipping hook, the icons.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../../migrations/index.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);

describe('bundles', () => {
  let out: string;
  let result: { mainFile: string; preloadFile: string; mainInputs: string[]; preloadInputs: string[] };

  beforeAll(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmp-bundle-'));
    // Runtime dependencies stay in node_modules, as in the packaged app.
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'junction');
    out = path.join(dir, 'electron');
    const { bundleElectron } = await import(pathToFileURL(path.join(root, 'build', 'bundle.mjs')).href);
    result = await bundleElectron({ outDir: out });
  }, 60_000);

  it('main: core, shell and every migration inside; electron and runtime dependencies outside', () => {
    const code = fs.readFileSync(result.mainFile, 'utf8');
    expect(result.mainInputs).toEqual(expect.arrayContaining(['main/electron/main.ts', 'main/core/app.ts', 'migrations/index.ts']));
    for (const m of migrations) expect(code).toContain(m.name);
    expect(code).toMatch(/from "electron"/);
    expect(code).toMatch(/from "better-sqlite3"/);
    expect(result.mainInputs.some((i) => i.includes('node_modules/better-sqlite3'))).toBe(false);
    expect(result.mainInputs.some((i) => i.includes('node_modules/electron-store'))).toBe(true);
    // The version is read at build time, not from a package.json that is not beside the bundle.
    expect(code).toContain(`version = ${JSON.stringify(JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version)}`);
  });

  it('preload: one CommonJS file that loads nothing but electron', () => {
    const code = fs.readFileSync(result.preloadFile, 'utf8');
    const requires = [...code.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]);
    expect(requires).toEqual(['electron']);
    const exposed = [...code.matchAll(/exposeInMainWorld\(\s*"([^"]+)"/g)].map((m) => m[1]);
    expect(exposed).toEqual(['llmProxy']);
    // ipcRenderer is only ever used to invoke, inside the bridge; never handed to the page.
    expect([...code.matchAll(/ipcRenderer\.(\w+)/g)].map((m) => m[1])).toEqual(['invoke']);
    expect(result.preloadInputs.some((i) => i.includes('zod'))).toBe(false);
  });

  it('main bundle loads and a second instance quits at once (Electron stood in by a stub module)', () => {
    const dir = path.dirname(out);
    fs.writeFileSync(
      path.join(dir, 'electron-stub.mjs'),
      [
        'const calls = [];',
        'process.on("exit", () => console.log(JSON.stringify(calls)));',
        'const record = (name, value) => (...args) => { calls.push(name); return value; };',
        'export const app = { setPath: record("setPath"), requestSingleInstanceLock: record("requestSingleInstanceLock", false), quit: record("quit"), whenReady: () => new Promise(() => {}) };',
        'export const protocol = { registerSchemesAsPrivileged: record("registerSchemesAsPrivileged") };',
        'export const ipcMain = {}, shell = {}, clipboard = {}, dialog = {}, nativeTheme = {}, safeStorage = {}, BrowserWindow = class {}, Menu = {}, Tray = class {}, nativeImage = {}, Notification = class {};',
        'export default { app, ipcMain, shell };',
      ].join('\n'),
    );
    fs.writeFileSync(
      path.join(dir, 'hooks.mjs'),
      `export async function resolve(specifier, context, next) {\n  if (specifier === 'electron') return { url: ${JSON.stringify(pathToFileURL(path.join(dir, 'electron-stub.mjs')).href)}, shortCircuit: true };\n  return next(specifier, context);\n}\n`,
    );
    fs.writeFileSync(
      path.join(dir, 'register.mjs'),
      `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(path.join(dir, 'hooks.mjs')).href)});\n`,
    );
    const run = spawnSync(process.execPath, ['--import', pathToFileURL(path.join(dir, 'register.mjs')).href, result.mainFile], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout.trim())).toEqual(['registerSchemesAsPrivileged', 'requestSingleInstanceLock', 'quit']);
  });
});

describe('electron-builder config', () => {
  it('is valid for electron-builder, with the four targets, better-sqlite3 outside the asar and the fuse hook', async () => {
    const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config');
    const { DebugLogger } = require('builder-util');
    const config = await getConfig(root, path.join(root, 'electron-builder.yml'), null);
    await validateConfiguration(config, new DebugLogger(false));
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toEqual(['**/node_modules/better-sqlite3/**/*']);
    expect(config.npmRebuild).toBe(true);
    expect(config.extraMetadata.main).toBe('dist/electron/main/index.js');
    expect(config.files.flatMap((f: string | { filter: string[] }) => (typeof f === 'string' ? [f] : f.filter))).toEqual(
      expect.arrayContaining(['dist/electron/**/*', 'dist/renderer/**/*', '!**/*.map']),
    );
    expect(fs.existsSync(path.join(root, config.afterPack))).toBe(true);
    for (const platform of ['linux', 'mac', 'win']) expect(fs.existsSync(path.join(root, config[platform].icon)), platform).toBe(true);
  });

  it('afterPack flips RunAsNode off, OnlyLoadAppFromAsar and asar integrity on, through electron-builder', async () => {
    const afterPack = require(path.join(root, 'build', 'after-pack.cjs'));
    const { FuseV1Options, FuseVersion } = require('@electron/fuses');
    const flipped: Record<string, unknown>[] = [];
    for (const platform of ['darwin', 'win32', 'linux']) {
      await afterPack({
        electronPlatformName: platform,
        appOutDir: '/nowhere',
        packager: { addElectronFuses: async (_ctx: unknown, fuses: Record<string, unknown>) => flipped.push(fuses) },
      });
    }
    const [mac, win, linux] = flipped as Record<number | string, unknown>[];
    for (const fuses of [mac, win, linux]) {
      expect(fuses!.version).toBe(FuseVersion.V1);
      expect(fuses![FuseV1Options.RunAsNode]).toBe(false);
      expect(fuses![FuseV1Options.OnlyLoadAppFromAsar]).toBe(true);
      expect(fuses![FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(false);
      expect(fuses![FuseV1Options.EnableNodeCliInspectArguments]).toBe(false);
      expect(fuses![FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(false);
    }
    expect(mac![FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(true);
    expect(win![FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(true);
    // Electron checks asar integrity on macOS and Windows only.
    expect(linux![FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBeUndefined();
  });
});

describe('icons', () => {
  it('are the committed output of build/make-icons.mjs, with a macOS template set', async () => {
    const { ICONS } = await import(pathToFileURL(path.join(root, 'build', 'make-icons.mjs')).href);
    const expected: Record<string, number> = { 'trayTemplate.png': 16, 'trayTemplate@2x.png': 32, 'tray.png': 32, 'tray@2x.png': 64, 'icon.png': 512 };
    expect(Object.keys(ICONS).sort()).toEqual(Object.keys(expected).sort());
    for (const [name, size] of Object.entries(expected)) {
      const file = fs.readFileSync(path.join(root, 'build', 'icons', name));
      expect(file.subarray(1, 4).toString('ascii'), name).toBe('PNG');
      expect([file.readUInt32BE(16), file.readUInt32BE(20)], name).toEqual([size, size]);
      if (name !== 'icon.png') expect(file.equals(ICONS[name]()), `${name} is stale: run node build/make-icons.mjs`).toBe(true);
    }
  });
});
