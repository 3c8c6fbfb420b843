// The PostgreSQL schema as text, for the committed migrations/schema.postgres.snapshot.sql: tables and
// columns from information_schema, constraints, indexes, triggers and functions from pg_catalog, every
// list in a stable order and with the schema's own name left out (tests migrate into scratch schemas).
import type { ClientBase } from 'pg';

type Query = Pick<ClientBase, 'query'>;

export async function dumpPostgresSchema(client: Query): Promise<string> {
  const schema = (await client.query<{ s: string }>('SELECT current_schema() AS s')).rows[0]!.s;
  const strip = (text: string) => text.split(`"${schema}".`).join('').split(`${schema}.`).join('');
  const out: string[] = [];

  const columns = await client.query<{
    table_name: string;
    column_name: string;
    data_type: string;
    is_nullable: string;
    column_default: string | null;
    is_identity: string;
    identity_generation: string | null;
  }>(
    `SELECT c.table_name, c.column_name, c.data_type, c.is_nullable, c.column_default, c.is_identity, c.identity_generation
     FROM information_schema.columns c JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
     WHERE c.table_schema = $1 AND t.table_type = 'BASE TABLE'
     ORDER BY c.table_name, c.ordinal_position`,
    [schema],
  );
  let table = '';
  for (const c of columns.rows) {
    if (c.table_name !== table) {
      if (table) out.push('');
      table = c.table_name;
      out.push(`-- table ${table}`);
    }
    const identity = c.is_identity === 'YES' ? ` GENERATED ${c.identity_generation} AS IDENTITY` : '';
    const dflt = c.column_default === null ? '' : ` DEFAULT ${strip(c.column_default)}`;
    out.push(`${c.column_name} ${c.data_type}${c.is_nullable === 'NO' ? ' NOT NULL' : ''}${dflt}${identity}`);
  }

  const constraints = await client.query<{ table_name: string; name: string; def: string }>(
    `SELECT cl.relname AS table_name, co.conname AS name, pg_get_constraintdef(co.oid, true) AS def
     FROM pg_constraint co JOIN pg_class cl ON cl.oid = co.conrelid JOIN pg_namespace n ON n.oid = cl.relnamespace
     WHERE n.nspname = $1 ORDER BY cl.relname, co.conname`,
    [schema],
  );
  out.push('', '-- constraints');
  for (const c of constraints.rows) out.push(`${c.table_name}.${c.name}: ${strip(c.def)}`);

  const indexes = await client.query<{ indexdef: string }>('SELECT indexdef FROM pg_indexes WHERE schemaname = $1 ORDER BY tablename, indexname', [schema]);
  out.push('', '-- indexes');
  for (const i of indexes.rows) out.push(`${strip(i.indexdef)};`);

  const triggers = await client.query<{ def: string }>(
    `SELECT pg_get_triggerdef(t.oid, true) AS def FROM pg_trigger t JOIN pg_class cl ON cl.oid = t.tgrelid JOIN pg_namespace n ON n.oid = cl.relnamespace
     WHERE n.nspname = $1 AND NOT t.tgisinternal ORDER BY cl.relname, t.tgname`,
    [schema],
  );
  out.push('', '-- triggers');
  for (const t of triggers.rows) out.push(`${strip(t.def)};`);

  const functions = await client.query<{ def: string }>(
    `SELECT pg_get_functiondef(p.oid) AS def FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = $1 ORDER BY p.proname`,
    [schema],
  );
  out.push('', '-- functions');
  for (const f of functions.rows) out.push(strip(f.def).trimEnd());

  return `${out.join('\n')}\n`;
}
