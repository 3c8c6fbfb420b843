// The desktop window, driven through Playwright's Electron support: it opens on the admin screens with no
// sign-in, exposes only the bridge, and a project → token → revoke journey goes over IPC to the real core.
// These run wherever an Electron binary is installed; elsewhere they are skipped, saying why.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import type {} from '../../renderer/src/api/bridge.ts';

const root = path.resolve(import.meta.dirname, '../..');
const devHelpers = (await import(pathToFileURL(path.join(root, 'build', 'electron-dev.mjs')).href)) as {
  installedElectron(): string | null;
  sqliteForElectron(opts?: { log?: (line: string) => void }): string;
};
const binary = devHelpers.installedElectron();
const hasDisplay = process.platform !== 'linux' || !!(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);

test.skip(!binary, 'No Electron binary on this machine (Electron 42+ downloads it on first use: run `npx electron --version` once with internet access).');
test.skip(!hasDisplay, 'No display (DISPLAY or WAYLAND_DISPLAY) for an Electron window: run under xvfb-run or a desktop session.');
test.describe.configure({ mode: 'serial' });

let mainDir: string;
let app: ElectronApplication;
let page: Page;

test.beforeAll(async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'llmp-electron-e2e-'));
  const { bundleElectron } = await import(pathToFileURL(path.join(root, 'build', 'bundle.mjs')).href);
  // Laid out like the app: the screens at ../../renderer from the main bundle, runtime dependencies in node_modules.
  fs.symlinkSync(path.join(root, 'dist', 'renderer'), path.join(out, 'renderer'), 'junction');
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(out, 'node_modules'), 'junction');
  await bundleElectron({ outDir: path.join(out, 'electron'), sqliteDir: devHelpers.sqliteForElectron({ log: () => undefined }) });
  mainDir = path.join(out, 'electron', 'main');
  app = await electron.launch({
    executablePath: binary!,
    args: [mainDir],
    env: {
      ...process.env,
      LLM_PROXY_DATA_DIR: path.join(out, 'data'),
      LLM_PROXY_USER_DATA_DIR: path.join(out, 'profile'),
      LLM_PROXY_PORT: '0',
      // A given key skips the keychain (no dialog on CI desktops without a secret service).
      LLM_PROXY_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
      LLM_PROXY_LOG_LEVEL: 'warn',
    },
  });
  page = await app.firstWindow();
  await page.waitForLoadState('domcontentloaded');
});

test.afterAll(async () => {
  await app?.close();
});

test('the window shows the admin screens from app://, with no sign-in and only the bridge exposed', async () => {
  expect(page.url()).toMatch(/^app:\/\/llm-proxy\//);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page.getByLabel(/management token/i)).toHaveCount(0);
  const globals = await page.evaluate(() => ({
    require: typeof (window as unknown as { require?: unknown }).require,
    process: typeof (window as unknown as { process?: unknown }).process,
    bridge: Object.keys(window.llmProxy ?? {}),
  }));
  expect(globals).toEqual({ require: 'undefined', process: 'undefined', bridge: ['admin'] });
});

test('project → token → revoke over IPC', async () => {
  const result = await page.evaluate(async () => {
    const admin = window.llmProxy!.admin;
    const project = await admin['projects.create']({ name: 'Desktop e2e', api_key: 'sk-e2e-upstream-key-4321' });
    if (!project.ok) return { step: 'project', error: project.error };
    const token = await admin['tokens.create']({ project_id: project.value.id, duration_minutes: 60 });
    if (!token.ok) return { step: 'token', error: token.error };
    const revoked = await admin['tokens.revoke']({ id: token.value.id });
    const bad = await admin['tokens.create']({ project_id: 'not-an-id', duration_minutes: -1 } as never);
    return { maskedKey: project.value.api_key, token: token.value.token, revoked: revoked.ok && revoked.value.status, bad };
  });
  expect(result).toMatchObject({ revoked: 'revoked', bad: { ok: false, error: { code: 'validation_failed' } } });
  expect((result as { maskedKey: string }).maskedKey).not.toContain('sk-e2e-upstream-key');
  expect((result as { token: string }).token).toMatch(/^llmp_/);
});

test('closing the window keeps the app running; a second launch shows it again', async () => {
  const window = await app.browserWindow(page);
  await window.evaluate((w) => w.close());
  expect(await window.evaluate((w) => w.isVisible())).toBe(false);
  const userData = await app.evaluate(({ app: a }) => a.getPath('userData'));
  // The second instance hands over to the first and quits at once (its launch may not even complete).
  const second = await electron
    .launch({ executablePath: binary!, args: [mainDir], env: { ...process.env, LLM_PROXY_USER_DATA_DIR: userData } })
    .catch(() => null);
  const proc = second?.process();
  if (proc && proc.exitCode === null) await new Promise((resolve) => proc.once('exit', resolve));
  await expect.poll(() => window.evaluate((w) => w.isVisible())).toBe(true);
});
