// SettingRepository over PostgreSQL (same behaviour as sqlite-settings.ts): one sealed value per name.
import type pg from 'pg';
import { withTransaction } from './postgres-client.ts';
import type { DbRecord } from './table-map.ts';
import { settingsTable as table } from './tables.ts';
import type { SettingRepository } from './types.ts';

export function postgresSettingRepository(pool: pg.Pool): SettingRepository {
  return {
    async list() {
      const res = await pool.query<DbRecord>('SELECT * FROM settings ORDER BY name COLLATE "C"');
      return res.rows.map(table.toRow);
    },
    async write(put, names) {
      await withTransaction(pool, async (client) => {
        for (const row of put) {
          await client.query(
            'INSERT INTO settings (name, value_sealed, updated_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO UPDATE SET value_sealed = excluded.value_sealed, updated_at = excluded.updated_at',
            [row.name, row.valueSealed, row.updatedAt],
          );
        }
        if (names.length) await client.query('DELETE FROM settings WHERE name = ANY($1)', [names]);
      });
    },
  };
}
