// AdminRepository over SQLite: named admins, found by the keyed hash of their token at every management
// call (so a removal is refused on the next call, by every process on the file).
import type { Database } from 'better-sqlite3';
import { definedOnly } from './row-changes.ts';
import { isUniqueViolation } from './sqlite-errors.ts';
import { duplicateAdminName } from './store-errors.ts';
import { sqliteDialect as d, type DbRecord } from './table-map.ts';
import { adminsTable as table } from './tables.ts';
import type { AdminChanges, AdminRepository, AdminRow } from './types.ts';

export function sqliteAdminRepository(db: Database): AdminRepository {
  const insert = db.prepare<unknown[], DbRecord>(table.insertSql(d));
  const byId = db.prepare<[string], DbRecord>('SELECT * FROM admins WHERE id = ?');
  const byHash = db.prepare<[string], DbRecord>('SELECT * FROM admins WHERE token_hash = ?');
  const all = db.prepare<[], DbRecord>('SELECT * FROM admins ORDER BY name, id');
  const write = db.prepare<unknown[], DbRecord>(table.updateSql(d));
  const remove = db.prepare<[string]>('DELETE FROM admins WHERE id = ?');

  const updateTx = db.transaction((id: string, changes: AdminChanges, now: number): AdminRow | null => {
    const current = byId.get(id);
    if (!current) return null;
    const merged = { ...table.toRow(current), ...definedOnly(changes), updatedAt: now };
    return table.toRow(write.get(table.updateValues(merged, d))!);
  });

  return {
    async create(admin) {
      const row: AdminRow = { ...admin, updatedAt: admin.createdAt };
      return withDuplicateName(row.name, () => table.toRow(insert.get(table.values(row, d))!));
    },
    async get(id) {
      const record = byId.get(id);
      return record ? table.toRow(record) : null;
    },
    async getByTokenHash(tokenHash) {
      const record = byHash.get(tokenHash);
      return record ? table.toRow(record) : null;
    },
    async list() {
      return all.all().map(table.toRow);
    },
    async update(id, changes, now) {
      return withDuplicateName(changes.name ?? '', () => updateTx.immediate(id, changes, now));
    },
    async remove(id) {
      return remove.run(id).changes > 0;
    },
  };
}

function withDuplicateName<T>(name: string, write: () => T): T {
  try {
    return write();
  } catch (err) {
    if (isUniqueViolation(err, 'admins.name')) throw duplicateAdminName(name);
    throw err;
  }
}
