// The hot path's only contact with events: `record()` hands the event to the in-memory listeners
// (metrics, the live dashboard) and appends it to a queue. One write per event-loop turn moves the
// queue into the outbox (group commit), and the promise `record()` returns settles then, so the proxy
// can hold the last byte of an answer until its event is stored: an answered request is never lost
// to a crash. When the store refuses writes, answers stop waiting and events wait in memory (bounded).
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.ts';
import type { EventRepository } from '../store/types.ts';
import { toPayload, type RequestEvent } from './request-event.ts';

export type EventListener = (event: RequestEvent) => void;

export interface EventPipelineOptions {
  repo: Pick<EventRepository, 'append'>;
  clock: Clock;
  /** false: nothing reads the outbox, so events only reach the listeners and answers never wait. */
  store?: boolean;
  /** Events held in memory while the store refuses writes; beyond it the oldest are dropped (and counted). */
  maxPending?: number;
  /** First pause after a failed write; doubles up to `maxRetryMs`. */
  retryMs?: number;
  maxRetryMs?: number;
  onError?: (err: unknown) => void;
}

interface Row {
  writtenAt: number;
  payload: string;
}

const RESOLVED = Promise.resolve();

export class EventPipeline {
  private queue: RequestEvent[] = [];
  /** Serialised rows of a failed write, written first next time (in order). */
  private unwritten: Row[] = [];
  private readonly listeners: EventListener[] = [];
  private readonly writtenListeners: ((lastSeq: number) => void)[] = [];
  private batch: { promise: Promise<void>; resolve: () => void } | null = null;
  private writing: Promise<void> | null = null;
  private failing = false;
  private retryDelay: number;
  private retryTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private droppedCount = 0;
  private recordedCount = 0;
  private lastSeqWritten = 0;

  constructor(private opts: EventPipelineOptions) {
    this.retryDelay = opts.retryMs ?? 100;
  }

  /** Called synchronously for every event (keep it cheap: it runs on the request path). */
  onEvent(listener: EventListener): void {
    this.listeners.push(listener);
  }

  /** Called after each committed batch with the highest seq written. */
  onWritten(listener: (lastSeq: number) => void): void {
    this.writtenListeners.push(listener);
  }

  /**
   * Hot path. Resolves once the event is in the outbox (the next event-loop turn), or at once while the
   * store is failing or after close: callers may hold the end of an answer on it, never longer.
   */
  record(event: RequestEvent): Promise<void> {
    this.recordedCount++;
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        this.opts.onError?.(err);
      }
    }
    if (this.opts.store === false) return RESOLVED;
    this.queue.push(event);
    if (this.queue.length + this.unwritten.length > (this.opts.maxPending ?? 100_000)) this.dropOldest();
    if (this.failing || this.closed) return RESOLVED;
    return this.scheduleWrite();
  }

  /** Starts or stops writing events to the outbox (a Redis or retention changed at run time). */
  storeEvents(on: boolean): void {
    this.opts = { ...this.opts, store: on };
  }

  /** Events recorded but not yet in the outbox. */
  pending(): number {
    return this.queue.length + this.unwritten.length;
  }

  stats(): { recorded: number; dropped: number; pending: number; lastSeq: number; failing: boolean } {
    return { recorded: this.recordedCount, dropped: this.droppedCount, pending: this.pending(), lastSeq: this.lastSeqWritten, failing: this.failing };
  }

  /** Writes everything recorded so far (tests, shutdown); rejects if the store refuses. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
    if (this.pending() === 0) return;
    await this.write();
    if (this.failing) throw new Error('the event outbox refused the write');
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.flush().catch((err: unknown) => this.opts.onError?.(err));
  }

  private scheduleWrite(): Promise<void> {
    if (this.batch) return this.batch.promise;
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    this.batch = { promise, resolve };
    setImmediate(() => void this.writeBatch());
    return promise;
  }

  /** One group commit: everything recorded since the last one. */
  private async writeBatch(): Promise<void> {
    while (this.writing) await this.writing;
    const batch = this.batch;
    this.batch = null;
    try {
      await this.write();
    } finally {
      batch?.resolve();
    }
  }

  private write(): Promise<void> {
    const run = async () => {
      const now = this.opts.clock.now();
      const rows = this.unwritten;
      this.unwritten = [];
      for (const event of this.queue) rows.push({ writtenAt: now, payload: JSON.stringify(toPayload(event, eventId(event.time))) });
      this.queue = [];
      if (rows.length === 0) return;
      try {
        this.lastSeqWritten = await this.opts.repo.append(rows);
      } catch (err) {
        this.unwritten = rows.concat(this.unwritten);
        this.enterFailing(err);
        return;
      }
      this.failing = false;
      this.retryDelay = this.opts.retryMs ?? 100;
      for (const listener of this.writtenListeners) listener(this.lastSeqWritten);
    };
    const writing = run().finally(() => {
      this.writing = null;
    });
    this.writing = writing;
    return writing;
  }

  private enterFailing(err: unknown): void {
    if (!this.failing) this.opts.onError?.(err);
    this.failing = true;
    if (this.closed || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.write();
    }, this.retryDelay);
    this.retryTimer.unref();
    this.retryDelay = Math.min(this.retryDelay * 2, this.opts.maxRetryMs ?? 5000);
  }

  private dropOldest(): void {
    if (this.unwritten.length > 0) this.unwritten.shift();
    else this.queue.shift();
    this.droppedCount++;
  }
}

/**
 * A UUIDv7 for an event: the time in the first 48 bits, the rest from randomUUID (which keeps a pool
 * of random bytes). About twenty times cheaper than the uuid package's v7, and ids need no ordering
 * within a millisecond (the outbox seq orders events).
 */
export function eventId(time: number): string {
  const hex = Math.max(0, Math.floor(time)).toString(16).padStart(12, '0').slice(-12);
  // randomUUID: xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx; keep everything after the version digit.
  return `${hex.slice(0, 8)}-${hex.slice(8)}-7${randomUUID().slice(15)}`;
}
