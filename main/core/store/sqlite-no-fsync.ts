// Batched counter writes (usage flushes) without an fsync at their commit. The main connection runs
// `synchronous = FULL` so an acknowledged management write survives power loss; a usage flush does not
// need that (a crash loses up to one flush interval of counts anyway), and its fsync every 250 ms
// stalled the event loop for milliseconds. In WAL mode, NORMAL still survives a crash or kill -9 of
// the process (the OS holds the bytes); a power cut may lose what was flushed since the last
// checkpoint or FULL commit (about a second).
import type { Database } from 'better-sqlite3';

export function withoutFsync<T>(db: Database, write: () => T): T {
  db.pragma('synchronous = NORMAL');
  try {
    return write();
  } finally {
    db.pragma('synchronous = FULL');
  }
}
