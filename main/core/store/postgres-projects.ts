// ProjectRepository over PostgreSQL (same behaviour as sqlite-projects.ts, checked by the same suites):
// a project and its first keys in one transaction, read-merge-write updates under FOR UPDATE.
import type pg from 'pg';
import { isUniqueViolation, withTransaction } from './postgres-client.ts';
import { insertUpstreamKey } from './postgres-upstream-keys.ts';
import { definedOnly } from './row-changes.ts';
import { duplicateProjectName, refuseKeysOfOtherProjects } from './store-errors.ts';
import { postgresDialect as d, type DbRecord } from './table-map.ts';
import { newProjectRow, projectsTable as table } from './tables.ts';
import type { NewProject, NewUpstreamKey, ProjectRepository } from './types.ts';

const INSERT_SQL = table.insertSql(d);
const UPDATE_SQL = table.updateSql(d);

async function withDuplicateName<T>(name: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (isUniqueViolation(err, 'projects_name_key')) throw duplicateProjectName(name);
    throw err;
  }
}

export function postgresProjectRepository(pool: pg.Pool): ProjectRepository {
  return {
    async create(project: NewProject, keys: NewUpstreamKey[]) {
      const row = newProjectRow(project);
      refuseKeysOfOtherProjects(row.id, keys);
      // The project and its first keys commit together: a refused key (taken label) leaves no project behind.
      return withDuplicateName(row.name, () =>
        withTransaction(pool, async (client) => {
          const res = await client.query<DbRecord>(INSERT_SQL, table.values(row, d));
          for (const key of keys) await insertUpstreamKey(client, key);
          return table.toRow(res.rows[0]!);
        }),
      );
    },
    async get(id) {
      const res = await pool.query<DbRecord>('SELECT * FROM projects WHERE id = $1', [id]);
      return res.rows[0] ? table.toRow(res.rows[0]) : null;
    },
    async list() {
      // COLLATE "C": the same byte order as SQLite's default BINARY collation.
      const res = await pool.query<DbRecord>('SELECT * FROM projects ORDER BY name COLLATE "C", id COLLATE "C"');
      return res.rows.map(table.toRow);
    },
    async update(id, changes, now) {
      return withDuplicateName(changes.name ?? '', () =>
        withTransaction(pool, async (client) => {
          const current = await client.query<DbRecord>('SELECT * FROM projects WHERE id = $1 FOR UPDATE', [id]);
          if (!current.rows[0]) return null;
          const merged = { ...table.toRow(current.rows[0]), ...definedOnly(changes), updatedAt: now };
          const res = await client.query<DbRecord>(UPDATE_SQL, table.updateValues(merged, d));
          return table.toRow(res.rows[0]!);
        }),
      );
    },
  };
}
