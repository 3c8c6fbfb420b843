// Opens the embedded SQLite store: refuses a newer schema untouched, sets the pragmas, migrates,
// and hands out the repositories behind the database-neutral Store interface.
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { migrations } from '../../../migrations/index.ts';
import { AppError } from '../errors.ts';
import { appliedMigrationNames, createMigrator } from './migrator.ts';
import { checkAppliedMigrations, refuseNewerSchemaBeforeOpening } from './schema-guard.ts';
import { sqliteAdminRepository } from './sqlite-admins.ts';
import { sqliteSettingRepository } from './sqlite-settings.ts';
import { sqliteAuditRepository } from './sqlite-audit.ts';
import type { MoneyRepository } from './money-types.ts';
import { sqliteMoneyRepository } from './sqlite-money.ts';
import { openSqliteEventRepository } from './sqlite-events.ts';
import { sqliteProjectRepository } from './sqlite-projects.ts';
import { sqliteTokenRepository } from './sqlite-tokens.ts';
import { sqliteUpstreamKeyRepository } from './sqlite-upstream-keys.ts';
import { sqliteUsageRepository } from './sqlite-usage.ts';
import type {
  AdminRepository,
  AuditRepository,
  EventRepository,
  ProjectRepository,
  SettingRepository,
  Store,
  StoreInfo,
  TokenRepository,
  UpstreamKeyRepository,
  UsageRepository,
} from './types.ts';

export interface SqliteStoreOptions {
  file: string;
  /** Apply pending migrations on open (default true). `llm-proxy migrate` opens with false. */
  migrate?: boolean;
}

/** The Store plus the raw connection, for the migrate command and tests. */
export type SqliteStore = Store & { db: Database };

const BUSY_TIMEOUT_MS = 5000;

export async function openSqliteStore(opts: SqliteStoreOptions): Promise<SqliteStore> {
  const file = path.resolve(opts.file);
  refuseNewerSchemaBeforeOpening(file, migrations);
  fs.mkdirSync(path.dirname(file), { recursive: true });

  const db = new BetterSqlite3(file, { timeout: BUSY_TIMEOUT_MS });
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.pragma('foreign_keys = ON');
    // Second look, through SQLite, before the first write: covers a -wal left by a crashed newer build.
    checkAppliedMigrations(db, file, migrations);
    db.pragma('journal_mode = WAL');
    // FULL: an acknowledged management write (new token, revocation) survives power loss, not only a
    // crash. It costs an fsync per commit, which is cheap here: the proxy's hot path never writes
    // synchronously and usage is flushed in batches.
    db.pragma('synchronous = FULL');
    if (opts.migrate !== false) await createMigrator(db).up();
  } catch (err) {
    db.close();
    throw err;
  }
  return assembleStore(db, file);
}

function assembleStore(db: Database, file: string): SqliteStore {
  const selectOne = db.prepare('SELECT 1');
  let schemaVersion = appliedMigrationNames(db).at(-1) ?? null;
  // Repositories prepare their statements on first use, not here: opened with migrate: false, the
  // tables may only exist once `llm-proxy migrate` has run on this connection.
  let projects: ProjectRepository | undefined;
  let upstreamKeys: UpstreamKeyRepository | undefined;
  let admins: AdminRepository | undefined;
  let settings: SettingRepository | undefined;
  let tokens: TokenRepository | undefined;
  let audit: AuditRepository | undefined;
  let usage: UsageRepository | undefined;
  let money: MoneyRepository | undefined;
  let events: (EventRepository & { close(): void }) | undefined;

  return {
    db,
    get projects() {
      return (projects ??= sqliteProjectRepository(db));
    },
    get admins() {
      return (admins ??= sqliteAdminRepository(db));
    },
    get settings() {
      return (settings ??= sqliteSettingRepository(db));
    },
    get upstreamKeys() {
      return (upstreamKeys ??= sqliteUpstreamKeyRepository(db));
    },
    get tokens() {
      return (tokens ??= sqliteTokenRepository(db));
    },
    get audit() {
      return (audit ??= sqliteAuditRepository(db));
    },
    get usage() {
      return (usage ??= sqliteUsageRepository(db));
    },
    get money() {
      return (money ??= sqliteMoneyRepository(db));
    },
    get events() {
      // A connection of its own (synchronous = NORMAL): see sqlite-events.ts.
      if (!events && !db.open) throw new AppError('store_unavailable', 'The database is closed');
      return (events ??= openSqliteEventRepository(file));
    },
    info(): StoreInfo {
      // `llm-proxy migrate` may move the schema on this very connection, so read it fresh while open.
      if (db.open) schemaVersion = appliedMigrationNames(db).at(-1) ?? null;
      return { kind: 'sqlite', location: file, schemaVersion };
    },
    async ping() {
      if (!db.open) throw new AppError('store_unavailable', 'The database is closed');
      selectOne.get();
    },
    async close() {
      events?.close();
      if (db.open) db.close();
    },
  };
}
