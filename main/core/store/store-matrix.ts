// The repository test suites run once per store: the same tests, parameterised by a factory that
// opens a fresh, migrated store (SQLite in a temp folder, PostgreSQL in a scratch schema). The
// PostgreSQL half is skipped, with the reason in its title, only when no server answers.
import { describe, onTestFinished } from 'vitest';
import { openPostgresStore } from './postgres.ts';
import { PG_TEST_URL, pgUnavailable, scratchSchema } from './postgres-test-support.ts';
import { tempStore as tempSqliteStore } from './test-support.ts';
import type { Store } from './types.ts';

/** A store under test, with raw SQL for the tests that check what the database itself refuses. */
export type TestStore = Store & { exec(sql: string): Promise<void> };
export type OpenTestStore = () => Promise<TestStore>;

interface StoreKind {
  kind: 'sqlite' | 'postgres';
  skip: string | null;
  open: OpenTestStore;
}

export const storeKinds: StoreKind[] = [
  {
    kind: 'sqlite',
    skip: null,
    async open() {
      const store = await tempSqliteStore();
      return Object.assign(store, {
        async exec(sql: string) {
          store.db.exec(sql);
        },
      });
    },
  },
  {
    kind: 'postgres',
    skip: pgUnavailable,
    async open() {
      const schema = await scratchSchema();
      const store = await openPostgresStore({ url: PG_TEST_URL, schema, maxConnections: 4 });
      onTestFinished(() => store.close());
      return Object.assign(store, {
        async exec(sql: string) {
          await store.pool.query(sql);
        },
      });
    },
  },
];

/** `describe(title)` once per store kind; `body` gets the factory for that kind. */
export function describeEachStore(title: string, body: (open: OpenTestStore, kind: StoreKind['kind']) => void): void {
  for (const k of storeKinds) {
    const name = `${k.kind} ${title}${k.skip ? ` (skipped: ${k.skip})` : ''}`;
    describe.skipIf(k.skip !== null)(name, () => body(k.open, k.kind));
  }
}
