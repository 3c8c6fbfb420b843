// The store's contract for request events: the outbox, dispatcher cursors and leases, dead letters,
// and the request log read from them (see types.ts for the rest).
import type { Page } from './page.ts';

/** One request event in the outbox: its delivery order and the JSON every dispatcher sends. */
export interface OutboxEvent {
  seq: number;
  writtenAt: number;
  payload: string;
}

export interface DeadLetterRow {
  id: number;
  dispatcher: string;
  eventId: string;
  time: number;
  failedAt: number;
  attempts: number;
  /** Why the last attempt failed; never a URL or a credential. */
  error: string;
  payload: string;
}

export type NewDeadLetter = Omit<DeadLetterRow, 'id'>;

/** A dispatcher's cursor in the outbox and who holds its lease (the one instance that delivers for it). */
export interface CursorRow {
  dispatcher: string;
  /** The last seq delivered and acknowledged. */
  position: number;
  updatedAt: number;
  leaseOwner: string | null;
  /** Epoch ms; the lease is free once passed. */
  leaseUntil: number | null;
}

export interface CursorClaim {
  owned: boolean;
  position: number | null;
}

export interface CursorAdvance {
  dispatcher: string;
  /** The lease holder moving it. */
  owner: string;
  position: number;
  now: number;
}

/**
 * The durable event queue (outbox), the dispatchers' cursors and their dead letters. SQLite writes it
 * through a connection of its own whose commits survive a crash of the process (not a power cut).
 */
export interface EventRepository {
  /** Appends in one transaction; returns the seq of the last row. */
  append(events: { writtenAt: number; payload: string }[]): Promise<number>;
  /** Up to `limit` events after `position`, oldest first. */
  readAfter(position: number, limit: number): Promise<OutboxEvent[]>;
  /** The highest seq written (0 for none); pruning never removes it, so it never goes back. */
  lastSeq(): Promise<number>;
  /** When the first event after `position` was written; null when none is waiting. */
  oldestAfter(position: number): Promise<number | null>;
  /** The position stored for a dispatcher; null before its first claim. */
  cursor(dispatcher: string): Promise<number | null>;
  /** Every cursor row with its lease (retention reads them; tests check the lease). */
  cursors(): Promise<CursorRow[]>;
  /**
   * Takes or renews the dispatcher's lease for `owner` until `now + leaseMs`, in one atomic step: when no
   * row exists (created at the current end of the outbox: a dispatcher configured for the first time
   * starts with the events written from then on), when nobody holds it, when it lapsed (`lease_until <
   * now`) or when `owner` holds it already. Otherwise leaves it alone. Returns whether `owner` holds it
   * now, and the stored position (null when it cannot be read in the same step).
   */
  claimCursor(dispatcher: string, owner: string, now: number, leaseMs: number): Promise<CursorClaim>;
  /** Gives the lease up if `owner` holds it, so another instance takes over at once. */
  releaseCursor(dispatcher: string, owner: string): Promise<void>;
  /**
   * Moves the cursor forward (never back) while `owner` holds its lease; false, changing nothing, when
   * another instance holds it or nobody does (a leader that lost its lease must not move the cursor).
   */
  setCursor(dispatcher: string, owner: string, position: number, now: number): Promise<boolean>;
  /**
   * Stores dead letters and, with `advance`, moves the cursor past them in one transaction — only while
   * `advance.owner` holds the lease: otherwise nothing is stored and it resolves false.
   */
  addDeadLetters(rows: NewDeadLetter[], advance?: CursorAdvance): Promise<boolean>;
  deadLetters(query: { dispatcher?: string; page: number; pageSize: number }): Promise<Page<DeadLetterRow>>;
  /** Dead letters per dispatcher. */
  deadLetterCounts(): Promise<Record<string, number>>;
  /**
   * Deletes up to `limit` of the oldest events written before `before` whose seq is ≤ `upTo` (every
   * dispatcher has them), and the dead letters that failed before `deadLettersBefore`.
   */
  prune(opts: { before: number; upTo: number; limit: number; deadLettersBefore: number }): Promise<{ events: number; deadLetters: number }>;
  /** Rows in the outbox now. */
  storedCount(): Promise<number>;
  /** The request log: stored events matching the filters, newest first (./request-log-query.ts). */
  requestLog(query: RequestLogQuery): Promise<Page<OutboxEvent>>;
}

/** Filters of the request log; every field narrows, `projectIds` to any of them (an operator's projects). */
export interface RequestLogQuery {
  tokenId?: string;
  projectId?: string;
  projectIds?: readonly string[];
  model?: string;
  /** Inclusive range: one status (429..429) or a class (400..499). */
  status?: { min: number; max: number };
  /** Epoch ms, inclusive: the request arrived at or after it. */
  from?: number;
  /** Epoch ms, exclusive. */
  to?: number;
  page: number;
  pageSize: number;
}
