// /ready's store check: the database answers, and it can still be written. A full disk, a read-only
// mount or lost permissions leave reads (the ping) working while every write fails, so readiness
// also looks at writes, two ways:
// - a write probe next to a SQLite file (a small file written, synced and removed: what every database
//   write needs from that file system), which fails the moment the disk is full and passes once it is not;
// - the background writers' own failures (usage, audit, key usage flushes), which catch what a probe
//   beside the file cannot: a database file that alone turned read-only, a PostgreSQL server out of disk.
import fs, { type FileHandle } from 'node:fs/promises';
import type { Clock } from './clock.ts';
import type { Store } from './store/types.ts';

export type StoreCheck = 'ok' | 'unavailable' | 'write_failing';

/** How long one failed background write keeps readiness down (flushes run every few hundred ms while failing). */
export const WRITE_FAILURE_WINDOW_MS = 10_000;

/** Driver and OS codes that mean "writes cannot land", not a caller's mistake (constraint, busy). */
const WRITE_FAILURE_CODES = [
  /^SQLITE_FULL/,
  /^SQLITE_READONLY/,
  /^SQLITE_IOERR/,
  /^SQLITE_CANTOPEN/,
  /^ENOSPC$/,
  /^EROFS$/,
  /^EDQUOT$/,
  /^EACCES$/,
  /^EPERM$/,
  /^53100$/,
  /^53000$/,
  /^25006$/,
];

export function isWriteFailure(err: unknown): boolean {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' && WRITE_FAILURE_CODES.some((pattern) => pattern.test(code));
}

export interface StoreReadiness {
  check(): Promise<StoreCheck>;
  /** A background write failed; only failures that mean the store cannot be written count. */
  writeFailed(err: unknown): void;
}

export function createStoreReadiness(deps: { store: Pick<Store, 'ping' | 'info'>; clock: Clock; windowMs?: number }): StoreReadiness {
  const windowMs = deps.windowMs ?? WRITE_FAILURE_WINDOW_MS;
  let lastFailureAt = -Infinity;
  let probing: Promise<boolean> | null = null;

  // Single-flight: /ready polled by several probes at once writes one file.
  const probe = (): Promise<boolean> => (probing ??= probeBeside(deps.store.info()).finally(() => (probing = null)));

  return {
    async check() {
      try {
        await deps.store.ping();
      } catch {
        return 'unavailable';
      }
      if (deps.clock.now() - lastFailureAt < windowMs) return 'write_failing';
      return (await probe()) ? 'ok' : 'write_failing';
    },
    writeFailed(err) {
      if (isWriteFailure(err)) lastFailureAt = deps.clock.now();
    },
  };
}

/** True when a small file can be written and synced beside a SQLite database (PostgreSQL: nothing to probe here). */
async function probeBeside(info: ReturnType<Store['info']>): Promise<boolean> {
  if (info.kind !== 'sqlite') return true;
  const file = `${info.location}.write-probe-${process.pid}`;
  let handle: FileHandle | null = null;
  try {
    handle = await fs.open(file, 'w', 0o600);
    await handle.write(Buffer.alloc(4096));
    await handle.sync();
    return true;
  } catch {
    return false;
  } finally {
    await handle?.close().catch(() => undefined);
    await fs.rm(file, { force: true }).catch(() => undefined);
  }
}
