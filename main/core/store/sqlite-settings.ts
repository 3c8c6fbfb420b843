// SettingRepository over SQLite: settings changed at run time, one sealed value per name.
import type { Database } from 'better-sqlite3';
import type { DbRecord } from './table-map.ts';
import { settingsTable as table } from './tables.ts';
import type { SettingRepository, StoredSettingRow } from './types.ts';

export function sqliteSettingRepository(db: Database): SettingRepository {
  const all = db.prepare<[], DbRecord>('SELECT * FROM settings ORDER BY name');
  const upsert = db.prepare<[string, string, number]>(
    'INSERT INTO settings (name, value_sealed, updated_at) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET value_sealed = excluded.value_sealed, updated_at = excluded.updated_at',
  );
  const remove = db.prepare<[string]>('DELETE FROM settings WHERE name = ?');
  const writeTx = db.transaction((put: readonly StoredSettingRow[], names: readonly string[]) => {
    for (const row of put) upsert.run(row.name, row.valueSealed, row.updatedAt);
    for (const name of names) remove.run(name);
  });
  return {
    async list() {
      return all.all().map(table.toRow);
    },
    async write(put, names) {
      writeTx.immediate(put, names);
    },
  };
}
