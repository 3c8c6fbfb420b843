// Picks the store from the settings: SQLite in --database-file by default, PostgreSQL when
// --database-url (env LLM_PROXY_DATABASE_URL) is a postgres:// URL.
import type { Settings } from '../config/settings.ts';
import { openSqliteStore } from './sqlite.ts';
import type { Store } from './types.ts';

export async function openStore(settings: Pick<Settings, 'databaseFile' | 'databaseUrl'>, opts: { migrate?: boolean } = {}): Promise<Store> {
  if (settings.databaseUrl) {
    // node-postgres is loaded only by the servers that use it (it adds to every start otherwise).
    const { openPostgresStore } = await import('./postgres.ts');
    return openPostgresStore({ url: settings.databaseUrl, migrate: opts.migrate });
  }
  return openSqliteStore({ file: settings.databaseFile, migrate: opts.migrate });
}
