#!/usr/bin/env node
// Bundles the `llm-proxy` command (CLI, core and server, migrations included through their static index)
// into plain JavaScript with esbuild, so the command starts without compiling TypeScript. Code is split
// at the CLI's lazy imports: `--version` or `token list` never load the server or the SQLite driver.
// Runtime dependencies stay in node_modules (better-sqlite3 is native, pino starts worker threads from
// its own files, pg has optional native parts).
//
// Files are written next to the old ones and renamed into place, chunks (content-hashed names) before
// the entry, so a CLI started while another process rebuilds never loads half a build. `inputs.json`
// lists the sources and when the build began: bin/llm-proxy.js rebuilds when one of them changed since
// (a checkout being worked on), so the command and the tests that spawn it never run stale code.
//
//   node build/bundle-cli.mjs            (run by `npm ci` through `prepare`)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

/**
 * Three folders below the root, like the core's sources (main/core/http): the admin screens are found
 * at `../../../dist/renderer` from the module that serves them, bundled or not.
 */
export const CLI_OUT_DIR = path.join(root, 'dist', 'cli', 'js');
export const CLI_ENTRY = path.join(CLI_OUT_DIR, 'main.js');
export const CLI_INPUTS = path.join(CLI_OUT_DIR, 'inputs.json');

/** The lowest Node the package supports (package.json `engines`). */
const NODE_TARGET = 'node20';

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

function writeAtomically(file, contents) {
  if (fs.existsSync(file) && fs.readFileSync(file).equals(contents)) return;
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, contents);
  fs.renameSync(temp, file);
}

/** Chunks of earlier builds, once no CLI started from one can still be loading it. */
const OLD_CHUNK_AGE_MS = 10 * 60_000;

function removeOldChunks(outDir, current) {
  for (const name of fs.readdirSync(outDir)) {
    if (!name.startsWith('chunk-') || current.has(name)) continue;
    const file = path.join(outDir, name);
    try {
      if (Date.now() - fs.statSync(file).mtimeMs > OLD_CHUNK_AGE_MS) fs.rmSync(file, { force: true });
    } catch {
      // Removed by another build meanwhile.
    }
  }
}

export async function bundleCli({ outDir = CLI_OUT_DIR } = {}) {
  const startedAt = Date.now();
  const result = await build({
    entryPoints: { main: path.join(root, 'main/cli/main.ts') },
    outdir: outDir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: NODE_TARGET,
    sourcemap: 'linked',
    legalComments: 'none',
    logLevel: 'warning',
    absWorkingDir: root,
    external: Object.keys(pkg.dependencies ?? {}),
    plugins: [inlineVersion],
    chunkNames: 'chunk-[hash]',
    write: false,
    metafile: true,
  });
  fs.mkdirSync(outDir, { recursive: true });
  // The output's own package.json says ESM, whatever the folder above says.
  writeAtomically(path.join(outDir, 'package.json'), Buffer.from('{ "type": "module" }\n'));
  const entry = path.join(outDir, 'main.js');
  const files = [...result.outputFiles].sort((a, b) => Number(a.path === entry) - Number(b.path === entry));
  for (const file of files) writeAtomically(file.path, Buffer.from(file.contents));
  // package.json: the version is inlined from it.
  const inputs = ['package.json', ...Object.keys(result.metafile.inputs).filter((input) => !input.startsWith('node_modules/'))];
  writeAtomically(path.join(outDir, 'inputs.json'), Buffer.from(JSON.stringify({ builtAt: startedAt, inputs }) + '\n'));
  removeOldChunks(outDir, new Set(result.outputFiles.map((file) => path.basename(file.path))));
  return entry;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await bundleCli();
  console.log(`CLI bundled into ${path.relative(process.cwd(), CLI_OUT_DIR)}`);
}
