// The schema as text, for the committed snapshot that shows every schema change in review.
import type { Database } from 'better-sqlite3';

interface SchemaObject {
  type: string;
  name: string;
  tbl_name: string;
  sql: string | null;
}

export function dumpSchema(db: Database): string {
  const objects = db.prepare<[], SchemaObject>(`SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name`).all();
  return objects.map((o) => `-- ${o.type} ${o.name} on ${o.tbl_name}\n${o.sql ?? ''};\n`).join('\n');
}
