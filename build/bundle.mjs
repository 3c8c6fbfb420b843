#!/usr/bin/env node
// Bundles the desktop shell with esbuild: the main process (ESM, core and migrations included statically,
// runtime dependencies left to node_modules) and the sandboxed preload (one CommonJS file: a sandboxed
// preload cannot load other files). Copies the tray icons beside them. The screens are built by Vite
// into dist/renderer (vite.config.ts).
//
//   node build/bundle.mjs [--out dist/electron]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

/** At most what Electron 41 runs (Node 24, Chromium 146): safe for it. */
const NODE_TARGET = 'node22';
const CHROME_TARGET = 'chrome140';

/**
 * Left out of the main bundle: electron itself, and the runtime dependencies, which electron-builder
 * ships in node_modules (better-sqlite3 is native; pino starts worker threads from its own files).
 * Everything else the shell imports (electron-store and its helpers) is bundled.
 */
export const MAIN_EXTERNALS = ['electron', ...Object.keys(pkg.dependencies ?? {})];

/** main/core/version.ts reads ../../package.json at run time, which is not there once bundled. */
const inlineVersion = {
  name: 'inline-version',
  setup(b) {
    b.onLoad({ filter: /[\\/]main[\\/]core[\\/]version\.ts$/ }, () => ({
      contents: `export const version = ${JSON.stringify(pkg.version)};`,
      loader: 'ts',
    }));
  },
};

/**
 * Development runs only: better-sqlite3 in node_modules is built for Node (tests, CLI); the Electron run
 * loads a copy built for Electron (scripts/start.js prepares it) by importing it from its folder.
 */
const sqliteFrom = (dir) => ({
  name: 'sqlite-for-electron',
  setup(b) {
    b.onResolve({ filter: /^better-sqlite3$/ }, () => ({ path: pathToFileURL(path.join(dir, 'lib', 'index.js')).href, external: true }));
  },
});

export async function bundleElectron({ outDir = path.join(root, 'dist', 'electron'), minify = false, sqliteDir = null } = {}) {
  fs.rmSync(outDir, { recursive: true, force: true });
  const common = { bundle: true, sourcemap: true, minify, logLevel: 'warning', legalComments: 'none', absWorkingDir: root };

  const main = await build({
    ...common,
    entryPoints: { index: path.join(root, 'main/electron/main.ts') },
    outdir: path.join(outDir, 'main'),
    outExtension: { '.js': '.js' },
    platform: 'node',
    format: 'esm',
    target: NODE_TARGET,
    external: MAIN_EXTERNALS,
    plugins: sqliteDir ? [inlineVersion, sqliteFrom(sqliteDir)] : [inlineVersion],
    // Bundled CommonJS helpers (conf, ajv) call require(); give the ESM bundle one.
    banner: { js: "import { createRequire as __llmpCreateRequire } from 'node:module'; const require = __llmpCreateRequire(import.meta.url);" },
    metafile: true,
  });

  const preload = await build({
    ...common,
    entryPoints: { index: path.join(root, 'preload/index.ts') },
    outdir: path.join(outDir, 'preload'),
    outExtension: { '.js': '.cjs' },
    platform: 'browser',
    format: 'cjs',
    target: CHROME_TARGET,
    external: ['electron'],
    metafile: true,
  });

  fs.mkdirSync(path.join(outDir, 'icons'), { recursive: true });
  for (const file of fs.readdirSync(path.join(root, 'build', 'icons'))) {
    if (file.endsWith('.png')) fs.copyFileSync(path.join(root, 'build', 'icons', file), path.join(outDir, 'icons', file));
  }
  // `electron dist/electron/main` (development) reads this: ESM, and the same app name (so the same
  // userData folder) as the packaged app.
  const devManifest = { name: pkg.name, productName: 'LLM Proxy', version: pkg.version, type: 'module', main: 'index.js' };
  fs.writeFileSync(path.join(outDir, 'main', 'package.json'), JSON.stringify(devManifest, null, 2) + '\n');

  return {
    outDir,
    mainFile: path.join(outDir, 'main', 'index.js'),
    preloadFile: path.join(outDir, 'preload', 'index.cjs'),
    mainInputs: Object.keys(main.metafile.inputs),
    preloadInputs: Object.keys(preload.metafile.inputs),
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outFlag = process.argv.indexOf('--out');
  const outDir = outFlag > 0 ? path.resolve(process.argv[outFlag + 1]) : undefined;
  const result = await bundleElectron({ outDir, minify: process.argv.includes('--minify') });
  console.log(`Desktop shell bundled into ${path.relative(process.cwd(), result.outDir) || '.'}`);
}
