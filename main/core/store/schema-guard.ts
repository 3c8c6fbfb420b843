// Refuses a database written by a newer LLM Proxy before this build writes a single byte to it:
// an older build must not switch journal modes, migrate, or write rows into a schema it does not know.
import fs from 'node:fs';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import type { Migration } from '../../../migrations/index.ts';
import { AppError } from '../errors.ts';
import { appliedMigrationNames } from './migrator.ts';

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
const HEADER_SIZE = 100;
const USER_VERSION_OFFSET = 60;

/**
 * Checks a database file without opening it through SQLite. Even a read-only SQLite connection
 * creates -wal and -shm files beside a WAL database and leaves them behind, so the first look is at
 * the file header, where the migrator mirrors the number of applied steps in user_version.
 * When a -wal file already exists the header may be stale; checkAppliedMigrations decides then.
 */
export function refuseNewerSchemaBeforeOpening(file: string, known: Migration[]): void {
  if (!fs.existsSync(file) || fs.existsSync(`${file}-wal`)) return;
  const header = readHeader(file);
  if (!header || !header.subarray(0, SQLITE_MAGIC.length).equals(SQLITE_MAGIC)) return;
  if (header.readUInt32BE(USER_VERSION_OFFSET) <= known.length) return;

  // Rare path: read the whole file into memory to name the step this build does not know.
  const image = fs.readFileSync(file);
  // An in-memory image cannot be in WAL mode; bytes 18-19 = 1 mark the copy as rollback-journal.
  image[18] = 1;
  image[19] = 1;
  const db = new BetterSqlite3(image, { readonly: true });
  try {
    checkAppliedMigrations(db, file, known);
  } finally {
    db.close();
  }
}

/** Throws schema_too_new when schema_migrations names a step this build does not know. */
export function checkAppliedMigrations(db: Database, file: string, known: Migration[]): void {
  const knownNames = new Set(known.map((m) => m.name));
  const unknown = appliedMigrationNames(db).filter((name) => !knownNames.has(name));
  const newest = unknown.at(-1);
  if (newest === undefined) return;
  const last = known.at(-1)?.name ?? '(none)';
  throw new AppError(
    'schema_too_new',
    `The database at ${file} was created by a newer LLM Proxy (schema ${newest}); this build knows up to ${last}. ` +
      'Upgrade LLM Proxy or point it at another data folder.',
  );
}

function readHeader(file: string): Buffer | null {
  const fd = fs.openSync(file, 'r');
  try {
    const header = Buffer.alloc(HEADER_SIZE);
    const read = fs.readSync(fd, header, 0, HEADER_SIZE, 0);
    return read === HEADER_SIZE ? header : null;
  } finally {
    fs.closeSync(fd);
  }
}
