#!/usr/bin/env node
// `npm test`: type checks, lint, format check, unit and integration tests (vitest), browser journeys (Playwright) —
// then one closing line `N passed, N failed[, N skipped]` counting every test and every check.
// The type checks and lint are independent: they run side by side (as many at once as there are CPUs),
// each printing its output when it ends, with tsc's build info and eslint's cache kept under
// node_modules/.cache so an unchanged file is not checked again. Then vitest, then Playwright.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const totals = { passed: 0, failed: 0, skipped: 0 };
const failures = [];

function run(label, command, args, env = {}) {
  console.log(`\n▶ ${label}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return result.status === 0;
}

function record(label, ok) {
  if (ok) totals.passed++;
  else {
    totals.failed++;
    failures.push(label);
  }
}

/** Runs one check with its output held back, printed in one piece when it ends. */
function checkInBackground({ label, command, args }) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(command, args, { cwd: root, env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? (process.stdout.isTTY ? '1' : '0') } });
    const output = [];
    child.stdout.on('data', (chunk) => output.push(chunk));
    child.stderr.on('data', (chunk) => output.push(chunk));
    const done = (ok) => {
      console.log(`\n▶ ${label} (${((Date.now() - started) / 1000).toFixed(1)} s${ok ? '' : ', failed'})`);
      if (output.length) process.stdout.write(Buffer.concat(output));
      record(label, ok);
      resolve();
    };
    child.on('error', (err) => {
      output.push(Buffer.from(`${err.message}\n`));
      done(false);
    });
    child.on('close', (code) => done(code === 0));
  });
}

/** The independent checks, `parallel` at a time. */
async function checksSideBySide(checks, parallel) {
  const queue = [...checks];
  await Promise.all(
    Array.from({ length: Math.min(parallel, queue.length) }, async () => {
      while (queue.length) await checkInBackground(queue.shift());
    }),
  );
}

function countVitest(label, args) {
  const report = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'llmp-vitest-')), 'report.json');
  const ok = run(label, bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...args]);
  if (!fs.existsSync(report)) {
    totals.failed++;
    failures.push(`${label} (no report)`);
    return;
  }
  const json = JSON.parse(fs.readFileSync(report, 'utf8'));
  totals.passed += json.numPassedTests;
  totals.failed += json.numFailedTests;
  totals.skipped += json.numPendingTests + json.numTodoTests;
  if (!ok && json.numFailedTests === 0) {
    totals.failed++;
    failures.push(`${label} (suite error)`);
  } else if (json.numFailedTests > 0) failures.push(label);
}

function countPlaywright(label, args) {
  const report = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'llmp-pw-')), 'report.json');
  const ok = run(label, bin('playwright'), ['test', ...args], { PLAYWRIGHT_JSON_OUTPUT_NAME: report });
  if (!fs.existsSync(report)) {
    totals.failed++;
    failures.push(`${label} (no report)`);
    return;
  }
  const { stats } = JSON.parse(fs.readFileSync(report, 'utf8'));
  totals.passed += stats.expected + stats.flaky;
  totals.failed += stats.unexpected;
  totals.skipped += stats.skipped;
  if (!ok && stats.unexpected === 0) {
    totals.failed++;
    failures.push(`${label} (run error)`);
  } else if (stats.unexpected > 0) failures.push(label);
}

const cache = path.join(root, 'node_modules', '.cache', 'llm-proxy-test');
fs.mkdirSync(cache, { recursive: true });
const typecheck = (label, project) => ({
  label,
  command: bin('tsc'),
  args: ['-p', project, '--noEmit', '--incremental', '--tsBuildInfoFile', path.join(cache, `${path.basename(project, '.json')}.tsbuildinfo`)],
});
// The longest first, so the last one to start is a short one.
const checks = [];
const extraProject = (name) => (fs.existsSync(path.join(root, name)) ? [typecheck(`typecheck (${name})`, name)] : []);
checks.push(...extraProject('tsconfig.electron.json'));
checks.push({ label: 'lint', command: bin('eslint'), args: ['.', '--cache', '--cache-location', path.join(cache, 'eslint.cache')] });
checks.push({ label: 'format (prettier --check)', command: bin('prettier'), args: ['--check', '.', '--log-level', 'warn'] });
checks.push(typecheck('typecheck (core, cli, migrations, tests)', 'tsconfig.json'));
checks.push(...extraProject('tsconfig.renderer.json'), ...extraProject('tsconfig.e2e.json'));
await checksSideBySide(checks, Math.max(1, Number(process.env.TEST_CHECKS_PARALLEL) || os.availableParallelism()));
countVitest('unit and integration tests', []);
if (fs.existsSync(path.join(root, 'playwright.config.ts'))) countPlaywright('browser journeys', []);

if (failures.length) console.log(`\nFailed: ${failures.join('; ')}`);
const skipped = totals.skipped ? `, ${totals.skipped} skipped` : '';
console.log(`\n${totals.passed} passed, ${totals.failed} failed${skipped}`);
process.exit(totals.failed ? 1 : 0);
