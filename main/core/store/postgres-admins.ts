// AdminRepository over PostgreSQL (same behaviour as sqlite-admins.ts, checked by the same suite): every
// instance on the database reads the admin at each management call, so a removal applies everywhere at once.
import type pg from 'pg';
import { isUniqueViolation, withTransaction } from './postgres-client.ts';
import { definedOnly } from './row-changes.ts';
import { duplicateAdminName } from './store-errors.ts';
import { postgresDialect as d, type DbRecord } from './table-map.ts';
import { adminsTable as table } from './tables.ts';
import type { AdminRepository, AdminRow } from './types.ts';

const INSERT_SQL = table.insertSql(d);
const UPDATE_SQL = table.updateSql(d);

async function withDuplicateName<T>(name: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (isUniqueViolation(err, 'admins_name_key')) throw duplicateAdminName(name);
    throw err;
  }
}

export function postgresAdminRepository(pool: pg.Pool): AdminRepository {
  const one = async (sql: string, params: unknown[]) => {
    const res = await pool.query<DbRecord>(sql, params);
    return res.rows[0] ? table.toRow(res.rows[0]) : null;
  };
  return {
    async create(admin) {
      const row: AdminRow = { ...admin, updatedAt: admin.createdAt };
      return withDuplicateName(row.name, async () => table.toRow((await pool.query<DbRecord>(INSERT_SQL, table.values(row, d))).rows[0]!));
    },
    get: (id) => one('SELECT * FROM admins WHERE id = $1', [id]),
    getByTokenHash: (tokenHash) => one('SELECT * FROM admins WHERE token_hash = $1', [tokenHash]),
    async list() {
      const res = await pool.query<DbRecord>('SELECT * FROM admins ORDER BY name COLLATE "C", id COLLATE "C"');
      return res.rows.map(table.toRow);
    },
    async update(id, changes, now) {
      return withDuplicateName(changes.name ?? '', () =>
        withTransaction(pool, async (client) => {
          const current = await client.query<DbRecord>('SELECT * FROM admins WHERE id = $1 FOR UPDATE', [id]);
          if (!current.rows[0]) return null;
          const merged = { ...table.toRow(current.rows[0]), ...definedOnly(changes), updatedAt: now };
          return table.toRow((await client.query<DbRecord>(UPDATE_SQL, table.updateValues(merged, d))).rows[0]!);
        }),
      );
    },
    async remove(id) {
      return ((await pool.query('DELETE FROM admins WHERE id = $1', [id])).rowCount ?? 0) > 0;
    },
  };
}
