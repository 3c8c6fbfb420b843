#!/usr/bin/env node
// The `llm-proxy` command: the plain JavaScript that `npm ci` builds (build/bundle-cli.mjs), so it starts
// without a compiler. In a checkout being worked on, a build older than one of its sources is made again
// first (esbuild, a second or two, once per change). LLM_PROXY_FROM_SOURCE=1 runs the TypeScript through
// tsx instead (both are dev dependencies).
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const built = new URL('../dist/cli/js/main.js', import.meta.url);
const inputs = new URL('../dist/cli/js/inputs.json', import.meta.url);

/** A source changed (or went away) since the build began. */
function stale() {
  try {
    const { builtAt, inputs: files } = JSON.parse(fs.readFileSync(inputs, 'utf8'));
    return files.some((file) => fs.statSync(root + file).mtimeMs > builtAt);
  } catch {
    return true;
  }
}

async function runFromSource() {
  let register;
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch {
    console.error('error: the CLI is not built: run `npm ci` (or `node build/bundle-cli.mjs`) in the llm-proxy folder');
    process.exit(1);
  }
  register();
  await import('../main/cli/main.ts');
}

if (process.env.LLM_PROXY_FROM_SOURCE === '1') {
  await runFromSource();
} else {
  if (stale()) {
    // Without esbuild (an install without dev dependencies) the build there is the one to run.
    const bundler = await import('../build/bundle-cli.mjs').catch(() => null);
    await bundler?.bundleCli();
  }
  if (fs.existsSync(built)) await import(built.href);
  else await runFromSource();
}
