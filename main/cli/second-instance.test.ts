// Issue 18: starting a second server on a port that is taken says so in one line and exits 1 — through
// `llm-proxy serve` and through `npm start` (scripts/start.js, headless here).
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../core/testing/test-app.ts';
import { spawnCli, tempDir } from './test-support.ts';

/** Real processes: generous on a busy machine (the CLI rebuilds itself after an edit). */
const SPAWNS = 60_000;

let first: TestApp;
let port: string;

beforeEach(async () => {
  first = await startTestApp();
  port = new URL(first.url).port;
}, SPAWNS);

afterEach(() => first.close());

const serveArgs = async () => [
  '--port',
  port,
  '--data-dir',
  await tempDir(),
  '--management-token',
  'second-instance-management-token-0123456789',
  '--log-level',
  'warn',
];
const oneLine = () => `error: port ${port} is in use — is LLM Proxy already running? use --port or LLM_PROXY_PORT (port_in_use)\n`;

it(
  '`llm-proxy serve` on a taken port: one clear line on stderr, nothing on stdout, exit 1',
  async () => {
    const second = spawnCli(['serve', ...(await serveArgs())]);
    expect((await second.exited)[0]).toBe(1);
    expect(second.stderr.text).toBe(oneLine());
    expect(second.stdout.text).toBe('');
  },
  SPAWNS,
);

it(
  '`npm start` (headless) on a taken port: the same line and exit 1, no word about a headless server',
  async () => {
    const second = spawnCli(await serveArgs(), { script: path.join('scripts', 'start.js'), env: { LLM_PROXY_HEADLESS: '1' } });
    expect((await second.exited)[0]).toBe(1);
    expect(second.stderr.text).toBe(oneLine());
    expect(second.stdout.text).toBe('');
  },
  SPAWNS,
);
