// One declaration per table: its columns and how each maps to a field of the row the repositories hand
// out (tables.ts). Both databases build their INSERT and UPDATE statements and map records from it; what
// differs between them is the Dialect: placeholders ($n or ?) and how a flag is stored (BOOLEAN or 0/1).
// A typed map rather than a query builder: better-sqlite3 keeps its synchronous prepared statements and
// IMMEDIATE transactions, and each dialect file keeps its hand-written SQL where the databases differ.

export interface Dialect {
  name: 'sqlite' | 'postgres';
  /** The placeholder of the n-th (1-based) parameter. */
  param(n: number): string;
  /** How a boolean column is written. */
  flag(value: boolean): number | boolean;
  /** Case-insensitive LIKE (SQLite's LIKE already is, for ASCII). */
  ilike: string;
}

export const sqliteDialect: Dialect = { name: 'sqlite', param: () => '?', flag: (v) => (v ? 1 : 0), ilike: 'LIKE' };
export const postgresDialect: Dialect = { name: 'postgres', param: (n) => `$${n}`, flag: (v) => v, ilike: 'ILIKE' };

/** A column name, or a name and how the value is encoded: `flag` (boolean), `json` (JSON text; null stays null). */
export type ColumnSpec = string | readonly [column: string, codec: 'flag' | 'json'];

/** A row as the database returns it: column name → value. */
export type DbRecord = Record<string, unknown>;

export interface Table<Row> {
  name: string;
  /** Column names in declaration order. */
  columns: readonly string[];
  toRow(record: DbRecord): Row;
  /** The values of `columns`, in order, encoded for the dialect. */
  values(row: Row, dialect: Dialect): unknown[];
  /** `INSERT … RETURNING *` of every column; parameters are `values(row)`. */
  insertSql(dialect: Dialect): string;
  /** `UPDATE … SET <updatable> WHERE id = … RETURNING *`; parameters are `updateValues(row)`. */
  updateSql(dialect: Dialect): string;
  updateValues(row: Row, dialect: Dialect): unknown[];
}

interface Field {
  field: string;
  column: string;
  codec: 'flag' | 'json' | null;
}

/**
 * Declares a table. Every field of `Row` must be named (tsc refuses a missing one); columns the row does
 * not carry (bookkeeping such as tokens.quota_reserved) are simply left out. `updatable` are the fields an
 * update writes (usage counters are only ever added to, by their own statements).
 */
export function defineTable<Row extends object>(
  name: string,
  spec: { readonly [K in keyof Row]-?: ColumnSpec },
  updatable: readonly (keyof Row & string)[] = [],
): Table<Row> {
  const fields: Field[] = Object.entries(spec as Record<string, ColumnSpec>).map(([field, s]) =>
    typeof s === 'string' ? { field, column: s, codec: null } : { field, column: s[0], codec: s[1] },
  );
  const byField = new Map(fields.map((f) => [f.field, f]));
  const updated = updatable.map((f) => byField.get(f)!);
  const idColumn = byField.get('id')?.column ?? 'id';

  const encode = (f: Field, value: unknown, dialect: Dialect): unknown => {
    if (f.codec === 'flag') return dialect.flag(value as boolean);
    if (f.codec === 'json') return value === null ? null : JSON.stringify(value);
    return value;
  };
  const decode = (f: Field, value: unknown): unknown => {
    if (f.codec === 'flag') return value === true || value === 1;
    if (f.codec === 'json') return value === null ? null : JSON.parse(value as string);
    return value;
  };

  return {
    name,
    columns: fields.map((f) => f.column),
    toRow(record) {
      const row: Record<string, unknown> = {};
      for (const f of fields) row[f.field] = decode(f, record[f.column]);
      return row as Row;
    },
    values(row, dialect) {
      return fields.map((f) => encode(f, (row as Record<string, unknown>)[f.field], dialect));
    },
    insertSql(dialect) {
      return `INSERT INTO ${name} (${fields.map((f) => f.column).join(', ')}) VALUES (${fields.map((_, i) => dialect.param(i + 1)).join(', ')}) RETURNING *`;
    },
    updateSql(dialect) {
      const set = updated.map((f, i) => `${f.column} = ${dialect.param(i + 1)}`).join(', ');
      return `UPDATE ${name} SET ${set} WHERE ${idColumn} = ${dialect.param(updated.length + 1)} RETURNING *`;
    },
    updateValues(row, dialect) {
      const r = row as Record<string, unknown>;
      return [...updated.map((f) => encode(f, r[f.field], dialect)), r.id];
    },
  };
}
