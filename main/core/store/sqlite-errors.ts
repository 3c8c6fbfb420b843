// Recognises SQLite constraint failures so repositories can turn them into stable AppError codes.

function hasCode(err: unknown, code: string): err is Error {
  return err instanceof Error && (err as { code?: unknown }).code === code;
}

/** `column` is `table.column` as SQLite names it, e.g. `projects.name`. */
export function isUniqueViolation(err: unknown, column: string): boolean {
  return hasCode(err, 'SQLITE_CONSTRAINT_UNIQUE') && err.message.includes(column);
}

export function isForeignKeyViolation(err: unknown): boolean {
  return hasCode(err, 'SQLITE_CONSTRAINT_FOREIGNKEY');
}
