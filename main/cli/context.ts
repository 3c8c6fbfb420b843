// What every command gets: the io, the clock, and the pieces tests replace (the app, the migrator,
// fetch, process signals). The defaults load the real modules lazily, so `llm-proxy token list`
// never loads the server or the SQLite driver.

import type { SettingSources } from '../core/config/setting-sources.ts';
import type { Settings } from '../core/config/settings.ts';
import type { Migrator } from '../core/store/migrator.ts';
import type { CliIo } from './io.ts';

export interface RunningApp {
  url: string;
  adminUrl: string;
  close(): Promise<void>;
}

export type StartApp = (settings: Settings, opts?: { log?: (line: string) => void; settingSources?: SettingSources }) => Promise<RunningApp>;

export interface OpenedMigrator {
  migrator: Migrator;
  close(): Promise<void>;
}

export interface CliDeps {
  loadStartApp(): Promise<StartApp>;
  /** `file` is a SQLite file path, or a postgres:// URL when --database-url is set. */
  openMigrator(file: string): Promise<OpenedMigrator>;
  /** Resolves with the first SIGINT/SIGTERM. */
  waitForShutdownSignal(): Promise<string>;
  fetch: typeof fetch;
}

export interface CliContext {
  io: CliIo;
  deps: CliDeps;
  now(): number;
  cwd: string;
  version: string;
}

const SHUTDOWN_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

export const defaultDeps: CliDeps = {
  async loadStartApp() {
    const { startApp } = await import('../core/app.ts');
    return startApp;
  },

  async openMigrator(file) {
    if (/^postgres(ql)?:\/\//i.test(file)) {
      const { openPostgresMigrator } = await import('../core/store/postgres-migrator.ts');
      return openPostgresMigrator(file);
    }
    const [{ openSqliteStore }, { createMigrator }] = await Promise.all([import('../core/store/sqlite.ts'), import('../core/store/migrator.ts')]);
    const store = await openSqliteStore({ file, migrate: false });
    return { migrator: createMigrator(store.db), close: () => store.close() };
  },

  waitForShutdownSignal() {
    return new Promise((resolve) => {
      const onSignal = (signal: NodeJS.Signals) => {
        for (const s of SHUTDOWN_SIGNALS) process.off(s, onSignal);
        // A second Ctrl-C while closing means "stop now".
        for (const s of SHUTDOWN_SIGNALS) process.once(s, () => process.exit(1));
        resolve(signal);
      };
      for (const s of SHUTDOWN_SIGNALS) process.on(s, onSignal);
    });
  },

  fetch: (input, init) => fetch(input, init),
};
