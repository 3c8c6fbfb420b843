// Test fixtures: a real server and a mock upstream per test, and a page that fails the test on any
// console error, uncaught exception or CSP violation (unless the test declared it expected).
import { test as base, expect, type Page } from '@playwright/test';
import { startMockUpstream, type MockUpstream } from '../../main/core/testing/mock-upstream.ts';
import { startServer, type RunningServer } from './start-server.ts';

export interface ConsoleWatch {
  /** Problems seen so far. */
  problems: string[];
  /** Declares a console error the test provokes on purpose (e.g. the 401 of a wrong sign-in). */
  allow(pattern: RegExp): void;
}

interface Fixtures {
  server: RunningServer;
  upstream: MockUpstream;
  consoleWatch: ConsoleWatch;
}

export const test = base.extend<Fixtures>({
  server: async ({}, use) => {
    const server = await startServer();
    await use(server);
    await server.stop();
  },
  upstream: async ({}, use) => {
    const upstream = await startMockUpstream();
    await use(upstream);
    await upstream.close();
  },
  consoleWatch: [
    // Depends on the server so that it is checked before the server stops: a screen that polls would
    // otherwise log the refused connections of the teardown as errors.
    async ({ page, server: _server }, use) => {
      const watch = watchConsole(page);
      await use(watch);
      expect(watch.problems, 'console errors, page errors or CSP violations').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

function watchConsole(page: Page): ConsoleWatch {
  const allowed: RegExp[] = [];
  const problems: string[] = [];
  const report = (text: string) => {
    if (!allowed.some((pattern) => pattern.test(text))) problems.push(text);
  };
  // Reported from inside the page, so violations that Chromium does not log still reach the test.
  void page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || '(inline)'} at ${event.sourceFile}:${event.lineNumber}`);
    });
  });
  page.on('console', (message) => {
    if (message.type() === 'error') report(`console.error: ${message.text()} (${message.location().url})`);
    else if (message.type() === 'warning' && /Content.Security.Policy/i.test(message.text())) report(`CSP warning: ${message.text()}`);
  });
  page.on('pageerror', (error) => report(`page error: ${error.message}`));
  return { problems, allow: (pattern) => allowed.push(pattern) };
}
