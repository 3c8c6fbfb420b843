// ProjectRepository over SQLite: one row per upstream account, deactivated but never deleted. Its keys
// live in upstream_keys (sqlite-upstream-keys.ts); a project and its first keys are created together.
import type { Database } from 'better-sqlite3';
import { definedOnly } from './row-changes.ts';
import { isUniqueViolation } from './sqlite-errors.ts';
import { prepareUpstreamKeyInsert } from './sqlite-upstream-keys.ts';
import { duplicateProjectName, refuseKeysOfOtherProjects } from './store-errors.ts';
import { sqliteDialect as d, type DbRecord } from './table-map.ts';
import { newProjectRow, projectsTable as table } from './tables.ts';
import type { NewProject, NewUpstreamKey, ProjectChanges, ProjectRepository, ProjectRow } from './types.ts';

export function sqliteProjectRepository(db: Database): ProjectRepository {
  const insert = db.prepare<unknown[], DbRecord>(table.insertSql(d));
  const insertKey = prepareUpstreamKeyInsert(db);
  const byId = db.prepare<[string], DbRecord>('SELECT * FROM projects WHERE id = ?');
  const all = db.prepare<[], DbRecord>('SELECT * FROM projects ORDER BY name, id');
  const write = db.prepare<unknown[], DbRecord>(table.updateSql(d));

  // Read, merge and write in one transaction so a concurrent change cannot be lost in between.
  const updateTx = db.transaction((id: string, changes: ProjectChanges, now: number): ProjectRow | null => {
    const current = byId.get(id);
    if (!current) return null;
    const merged = { ...table.toRow(current), ...definedOnly(changes), updatedAt: now };
    return table.toRow(write.get(table.updateValues(merged, d))!);
  });
  // The project and its first keys commit together: a refused key (taken label) leaves no project behind.
  const createTx = db.transaction((row: ProjectRow, keys: NewUpstreamKey[]): ProjectRow => {
    const created = table.toRow(insert.get(table.values(row, d))!);
    for (const key of keys) insertKey(key);
    return created;
  });

  return {
    async create(project: NewProject, keys: NewUpstreamKey[]) {
      const row = newProjectRow(project);
      refuseKeysOfOtherProjects(row.id, keys);
      return withDuplicateName(row.name, () => createTx.immediate(row, keys));
    },
    async get(id) {
      const record = byId.get(id);
      return record ? table.toRow(record) : null;
    },
    async list() {
      return all.all().map(table.toRow);
    },
    async update(id, changes, now) {
      // IMMEDIATE: read then write; deferred, another connection's commit in between fails it at once.
      return withDuplicateName(changes.name ?? '', () => updateTx.immediate(id, changes, now));
    },
  };
}

function withDuplicateName<T>(name: string, write: () => T): T {
  try {
    return write();
  } catch (err) {
    if (isUniqueViolation(err, 'projects.name')) throw duplicateProjectName(name);
    throw err;
  }
}
