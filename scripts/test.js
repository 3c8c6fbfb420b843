#!/usr/bin/env node
// `npm test`: type checks, lint, unit and integration tests (vitest), browser journeys (Playwright) —
// then one closing line `N passed, N failed[, N skipped]` counting every test and every check.
import { spawnSync } from 'node:child_process';
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

function check(label, command, args) {
  if (run(label, command, args)) totals.passed++;
  else {
    totals.failed++;
    failures.push(label);
  }
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

check('typecheck (core, cli, migrations, tests)', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']);
for (const extra of ['tsconfig.renderer.json', 'tsconfig.e2e.json', 'tsconfig.electron.json']) {
  if (fs.existsSync(path.join(root, extra))) check(`typecheck (${extra})`, bin('tsc'), ['-p', extra, '--noEmit']);
}
check('lint', bin('eslint'), ['.']);
countVitest('unit and integration tests', []);
if (fs.existsSync(path.join(root, 'playwright.config.ts'))) countPlaywright('browser journeys', []);

if (failures.length) console.log(`\nFailed: ${failures.join('; ')}`);
const skipped = totals.skipped ? `, ${totals.skipped} skipped` : '';
console.log(`\n${totals.passed} passed, ${totals.failed} failed${skipped}`);
process.exit(totals.failed ? 1 : 0);
