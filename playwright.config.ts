// Browser journeys through the admin screens in Debian's Chromium (no browser download), each spec
// against its own real headless server. Screenshots land in the git-ignored artifacts/screenshots/.
import { defineConfig } from '@playwright/test';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const CHROMIUM = { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS };
const ONCE = ['**/screenshots.spec.ts', '**/electron/**'];

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  outputDir: 'test-results',
  globalSetup: './e2e/support/build-renderer.ts',
  // PLAYWRIGHT_JSON_OUTPUT_NAME (npm test's counter) overrides the file name.
  reporter: [['list'], ['json', { outputDir: 'artifacts', fileName: 'playwright-results.json' }]],
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  use: {
    viewport: { width: 1280, height: 800 },
    colorScheme: 'light',
    locale: 'en-GB',
    timezoneId: 'Europe/Berlin',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  // The journeys run at three window widths: a laptop (1280), the tray popup (900) and a phone (390).
  // The screenshot tour sets its own sizes and the Electron specs their own window, so they run once.
  projects: [
    { name: 'chromium', use: { browserName: 'chromium', launchOptions: CHROMIUM } },
    { name: 'tray-900', testIgnore: ONCE, use: { browserName: 'chromium', launchOptions: CHROMIUM, viewport: { width: 900, height: 600 } } },
    { name: 'phone-390', testIgnore: ONCE, use: { browserName: 'chromium', launchOptions: CHROMIUM, viewport: { width: 390, height: 844 } } },
  ],
});
