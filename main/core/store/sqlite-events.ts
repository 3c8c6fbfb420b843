// EventRepository over SQLite, on a connection of its own: `synchronous = NORMAL`, so a commit is one
// write to the WAL without an fsync. That survives a crash or kill -9 of the process (the OS has the
// bytes), not a power cut, and lets the outbox commit every event-loop turn without stalling the proxy
// for a disk flush. Management writes keep `FULL` on the main connection. This connection never
// checkpoints after a commit (a checkpoint fsyncs): a timer asks for one at most once a second, run by
// a worker thread on its own connection (sqlite-checkpointer.ts), off the event loop.
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { pageWindow } from './audit-query.ts';
import { startCheckpointer } from './sqlite-checkpointer.ts';
import { requestLogSelect } from './request-log-query.ts';
import { sqliteDialect, type DbRecord } from './table-map.ts';
import { cursorsTable, deadLettersTable } from './tables.ts';
import type { CursorAdvance, EventRepository, NewDeadLetter, OutboxEvent, Page, RequestLogQuery } from './types.ts';

/**
 * How long a write waits for another process's lock (the CLI, another instance on this file) before it
 * fails and the pipeline retries later. SQLite waits by sleeping on the calling thread, the event loop,
 * so this stays short: under contention answers stop waiting for their event rather than stall.
 */
const BUSY_TIMEOUT_MS = 20;
/** Rows per INSERT statement: fewer statement runs per batch. */
const ROWS_PER_INSERT = 32;
/** How often the WAL is copied back into the database (when events were written since). */
const CHECKPOINT_MS = 1000;

/** Opens the events connection to an already migrated database file. */
export function openSqliteEventRepository(file: string): EventRepository & { close(): void } {
  const db = new BetterSqlite3(file, { timeout: BUSY_TIMEOUT_MS });
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  db.pragma('synchronous = NORMAL');
  db.pragma('wal_autocheckpoint = 0');
  const repo = sqliteEventRepository(db);
  const checkpointer = startCheckpointer(file, () => {
    try {
      db.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // Busy or closing: the next tick (or the main connection's own checkpoint) does it.
    }
  });
  let written = repo.writes();
  const timer = setInterval(() => {
    if (repo.writes() === written || !db.open) return;
    written = repo.writes();
    checkpointer.checkpoint();
  }, CHECKPOINT_MS);
  timer.unref();
  return Object.assign(repo, {
    close: () => {
      clearInterval(timer);
      checkpointer.close();
      if (db.open) db.close();
    },
  });
}

export function sqliteEventRepository(db: Database): EventRepository & { writes(): number } {
  let writes = 0;
  const insertOne = db.prepare<[number, string]>('INSERT INTO events_outbox (written_at, payload) VALUES (?, ?)');
  const insertMany = db.prepare<(number | string)[]>(
    `INSERT INTO events_outbox (written_at, payload) VALUES ${Array(ROWS_PER_INSERT).fill('(?, ?)').join(', ')}`,
  );
  const lastSeq = db.prepare<[], number>('SELECT coalesce(max(seq), 0) FROM events_outbox').pluck();
  const readAfter = db.prepare<[number, number], { seq: number; written_at: number; payload: string }>(
    'SELECT seq, written_at, payload FROM events_outbox WHERE seq > ? ORDER BY seq LIMIT ?',
  );
  const oldestAfter = db.prepare<[number], number>('SELECT written_at FROM events_outbox WHERE seq > ? ORDER BY seq LIMIT 1').pluck();
  const getCursor = db.prepare<[string], number>('SELECT position FROM event_cursors WHERE dispatcher = ?').pluck();
  const allCursors = db.prepare<[], DbRecord>('SELECT * FROM event_cursors ORDER BY dispatcher');
  // One statement takes the lease (or creates the row at the current end of the outbox), so two
  // processes claiming at once cannot both win: SQLite runs writers one at a time.
  const claim = db.prepare<{ dispatcher: string; owner: string; now: number; until: number }, { position: number }>(`
    INSERT INTO event_cursors (dispatcher, position, updated_at, lease_owner, lease_until)
    VALUES (@dispatcher, (SELECT coalesce(max(seq), 0) FROM events_outbox), @now, @owner, @until)
    ON CONFLICT (dispatcher) DO UPDATE SET lease_owner = excluded.lease_owner, lease_until = excluded.lease_until
    WHERE lease_owner IS NULL OR lease_owner = excluded.lease_owner OR lease_until IS NULL OR lease_until < @now
    RETURNING position`);
  const release = db.prepare<[string, string]>('UPDATE event_cursors SET lease_owner = NULL, lease_until = NULL WHERE dispatcher = ? AND lease_owner = ?');
  // Only the lease holder moves the cursor, and only forward.
  const advanceCursor = db.prepare<{ dispatcher: string; owner: string; position: number; now: number }>(`
    UPDATE event_cursors SET position = max(position, @position), updated_at = @now WHERE dispatcher = @dispatcher AND lease_owner = @owner`);
  const insertDeadLetter = db.prepare<NewDeadLetter>(`
    INSERT INTO events_dead_letters (dispatcher, event_id, time, failed_at, attempts, error, payload)
    VALUES (@dispatcher, @eventId, @time, @failedAt, @attempts, @error, @payload)`);
  const deadLetterCounts = db.prepare<[], { dispatcher: string; n: number }>('SELECT dispatcher, count(*) AS n FROM events_dead_letters GROUP BY dispatcher');
  // Never the row with the highest seq: new rows take max(seq) + 1, so keeping it keeps seqs growing.
  const pruneEvents = db.prepare<{ before: number; upTo: number; limit: number }>(`
    DELETE FROM events_outbox WHERE seq IN (
      SELECT seq FROM events_outbox WHERE seq <= @upTo AND seq < (SELECT max(seq) FROM events_outbox) ORDER BY seq LIMIT @limit
    ) AND written_at < @before`);
  const pruneDeadLetters = db.prepare<[number]>('DELETE FROM events_dead_letters WHERE failed_at < ?');
  const storedCount = db.prepare<[], number>('SELECT count(*) FROM events_outbox').pluck();

  const appendTx = db.transaction((events: { writtenAt: number; payload: string }[]): number => {
    writes++;
    let i = 0;
    const params: (number | string)[] = [];
    for (; i + ROWS_PER_INSERT <= events.length; i += ROWS_PER_INSERT) {
      params.length = 0;
      for (let j = i; j < i + ROWS_PER_INSERT; j++) params.push(events[j]!.writtenAt, events[j]!.payload);
      insertMany.run(...params);
    }
    for (; i < events.length; i++) insertOne.run(events[i]!.writtenAt, events[i]!.payload);
    return lastSeq.get() ?? 0;
  });
  const claimTx = db.transaction((dispatcher: string, owner: string, now: number, until: number) => {
    const claimed = claim.get({ dispatcher, owner, now, until });
    if (claimed) return { owned: true, position: claimed.position };
    return { owned: false, position: getCursor.get(dispatcher) ?? null };
  });
  const deadLetterTx = db.transaction((rows: NewDeadLetter[], advance?: CursorAdvance): boolean => {
    if (advance && advanceCursor.run(advance).changes === 0) return false;
    for (const row of rows) insertDeadLetter.run(row);
    return true;
  });
  const pageTx = db.transaction((dispatcher: string | undefined, limit: number, offset: number) => {
    const where = dispatcher === undefined ? '' : 'WHERE dispatcher = @dispatcher';
    const params = dispatcher === undefined ? {} : { dispatcher };
    const items = db
      .prepare<Record<string, unknown>, DbRecord>(`SELECT * FROM events_dead_letters ${where} ORDER BY id DESC LIMIT @limit OFFSET @offset`)
      .all({ ...params, limit, offset });
    const totalCount = db.prepare<Record<string, unknown>, number>(`SELECT count(*) FROM events_dead_letters ${where}`).pluck().get(params) ?? 0;
    return { items: items.map(deadLettersTable.toRow), totalCount };
  });

  const requestLogTx = db.transaction((query: RequestLogQuery): Page<OutboxEvent> => {
    const select = requestLogSelect(query, sqliteDialect);
    const rows = db.prepare<(string | number)[], { seq: number; written_at: number; payload: string }>(select.pageSql).all(...select.pageParams);
    const totalCount = db.prepare<(string | number)[], { n: number }>(select.countSql).get(...select.params)?.n ?? 0;
    return { items: rows.map((r) => ({ seq: r.seq, writtenAt: r.written_at, payload: r.payload })), totalCount };
  });

  return {
    writes: () => writes,
    async append(events) {
      if (events.length === 0) return lastSeq.get() ?? 0;
      return appendTx(events);
    },
    async readAfter(position, limit) {
      return readAfter.all(position, limit).map((r): OutboxEvent => ({ seq: r.seq, writtenAt: r.written_at, payload: r.payload }));
    },
    async lastSeq() {
      return lastSeq.get() ?? 0;
    },
    async oldestAfter(position) {
      return oldestAfter.get(position) ?? null;
    },
    async cursor(dispatcher) {
      return getCursor.get(dispatcher) ?? null;
    },
    async cursors() {
      return allCursors.all().map(cursorsTable.toRow);
    },
    async claimCursor(dispatcher, owner, now, leaseMs) {
      return claimTx(dispatcher, owner, now, now + leaseMs);
    },
    async releaseCursor(dispatcher, owner) {
      release.run(dispatcher, owner);
    },
    async setCursor(dispatcher, owner, position, now) {
      return advanceCursor.run({ dispatcher, owner, position, now }).changes > 0;
    },
    async addDeadLetters(rows, advance) {
      return deadLetterTx(rows, advance);
    },
    async deadLetters({ dispatcher, page, pageSize }) {
      const { limit, offset } = pageWindow(page, pageSize);
      return pageTx(dispatcher, limit, offset);
    },
    async deadLetterCounts() {
      return Object.fromEntries(deadLetterCounts.all().map((r) => [r.dispatcher, r.n]));
    },
    async prune({ before, upTo, limit, deadLettersBefore }) {
      const events = pruneEvents.run({ before, upTo, limit }).changes;
      const deadLetters = pruneDeadLetters.run(deadLettersBefore).changes;
      return { events, deadLetters };
    },
    async storedCount() {
      return storedCount.get() ?? 0;
    },
    async requestLog(query) {
      return requestLogTx(query);
    },
  };
}
