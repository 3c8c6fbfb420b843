// Running the desktop shell from a checkout (npm start, the Electron e2e specs): find the Electron binary
// without triggering its download, and prepare a better-sqlite3 built for Electron beside the Node one.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const electronDir = path.join(root, 'node_modules', 'electron');

/** The Electron executable if it is installed; null otherwise (require('electron') would start a download). */
export function installedElectron() {
  try {
    const relative = fs.readFileSync(path.join(electronDir, 'path.txt'), 'utf8').trim();
    const binary = path.join(process.env.ELECTRON_OVERRIDE_DIST_PATH || path.join(electronDir, 'dist'), relative);
    return fs.existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

/**
 * better-sqlite3 in node_modules is built for Node (tests, CLI). Electron runs from a checkout use a copy
 * built for Electron's ABI under node_modules/.cache, so neither build overwrites the other. Packaged apps
 * do not need this: electron-builder rebuilds native modules for Electron.
 */
export function sqliteForElectron({ log = console.log } = {}) {
  const electronVersion = JSON.parse(fs.readFileSync(path.join(electronDir, 'package.json'), 'utf8')).version;
  const source = path.join(root, 'node_modules', 'better-sqlite3');
  const sqliteVersion = JSON.parse(fs.readFileSync(path.join(source, 'package.json'), 'utf8')).version;
  const dir = path.join(
    root,
    'node_modules',
    '.cache',
    'llm-proxy',
    `better-sqlite3-${sqliteVersion}-electron-${electronVersion}-${process.platform}-${process.arch}`,
  );
  const addon = path.join(dir, 'build', 'Release', 'better_sqlite3.node');
  if (fs.existsSync(addon)) return dir;

  log('Preparing the database module for Electron (first start only)…');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.cpSync(source, dir, { recursive: true, filter: (file) => !file.startsWith(path.join(source, 'build')) });
  const env = { ...process.env };
  // The machine's npm config may point node-gyp at Node's headers; Electron needs its own.
  for (const key of Object.keys(env)) if (/^npm_config_(nodedir|target|runtime|disturl)$/i.test(key)) delete env[key];
  const bin = (name) => path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? `${name}.cmd` : name);
  const attempts = [
    [bin('prebuild-install'), ['--runtime=electron', `--target=${electronVersion}`, `--arch=${process.arch}`, `--platform=${process.platform}`]],
    [
      bin('node-gyp'),
      ['rebuild', '--release', '--runtime=electron', `--target=${electronVersion}`, `--arch=${process.arch}`, '--dist-url=https://electronjs.org/headers'],
    ],
  ];
  for (const [command, args] of attempts) {
    const result = spawnSync(command, args, { cwd: dir, env, stdio: 'inherit', shell: process.platform === 'win32' });
    if (result.status === 0 && fs.existsSync(addon)) return dir;
  }
  fs.rmSync(dir, { recursive: true, force: true });
  throw new Error('Could not build better-sqlite3 for Electron (the prebuilt download and node-gyp both failed).');
}
