// Picks the store from the settings: SQLite in --database-file by default, PostgreSQL when
// --database-url (env LLM_PROXY_DATABASE_URL) is a postgres:// URL.
import type { Settings } from '../config/settings.ts';
import { openPostgresStore } from './postgres.ts';
import { openSqliteStore } from './sqlite.ts';
import type { Store } from './types.ts';

export async function openStore(settings: Pick<Settings, 'databaseFile' | 'databaseUrl'>, opts: { migrate?: boolean } = {}): Promise<Store> {
  if (settings.databaseUrl) return openPostgresStore({ url: settings.databaseUrl, migrate: opts.migrate });
  return openSqliteStore({ file: settings.databaseFile, migrate: opts.migrate });
}
