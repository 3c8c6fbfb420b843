// Delivery of stored events to one sink (a file, a webhook, a Redis stream): read a batch from a source
// with its own cursor, hand it to the sink, acknowledge only once the sink has it. A failed batch is
// retried with exponential backoff; after `maxAttempts` it goes to the dead letters and the cursor
// moves on. At least once: a crash between delivery and acknowledgement delivers that batch again.
import type { Clock } from '../clock.ts';
import type { EventRepository, NewDeadLetter } from '../store/types.ts';

/** Where events go. A third kind is one more class with these members. */
export interface EventSink {
  /** Stable key of the cursor and the dead letters: `jsonl`, `webhook`, `redis-stream`. */
  readonly name: string;
  readonly kind: 'file' | 'webhook' | 'redis-stream';
  /** Where it delivers, safe to show: a path, or a URL without credentials and query. */
  readonly target: string;
  /**
   * Delivers the events (JSON texts, in order); resolves once the receiver has them. `batchKey` names
   * the batch the same way on every retry (receivers may use it to drop duplicates).
   */
  deliver(payloads: string[], batchKey: string): Promise<void>;
  close(): Promise<void>;
}

export interface SourcedEvent {
  payload: string;
}

export interface SourceBatch<E extends SourcedEvent = SourcedEvent> {
  events: E[];
  /** Same text on every retry of this batch. */
  key: string;
}

/** Where a dispatcher reads from: the local outbox (a cursor) or a Redis consumer group. */
export interface EventSource<B extends SourceBatch = SourceBatch> {
  start(): Promise<void>;
  read(limit: number): Promise<B | null>;
  /** The batch was delivered: move past it. */
  ack(batch: B): Promise<void>;
  /** The batch failed too often: keep it as dead letters and move past it, in one step where possible. */
  deadLetter(batch: B, rows: NewDeadLetter[]): Promise<void>;
  /** Events waiting for this dispatcher, and when the oldest of them was stored. */
  lag(): Promise<{ events: number; oldestAt: number | null }>;
  close(): Promise<void>;
}

export interface DeliveryOptions {
  /** Attempts per batch before it becomes dead letters (Infinity: never give up). */
  maxAttempts: number;
  /** Pause after the first failure; doubles per attempt up to `maxBackoffMs` (±20 % jitter). */
  backoffMs: number;
  maxBackoffMs: number;
  batchSize: number;
  /** Pause after a wake-up before reading, so one read takes many events. */
  batchDelayMs: number;
  /** Read again this often even without a wake-up (other instances' events in a Redis stream). */
  pollMs?: number;
}

export type DeliveryState = 'starting' | 'idle' | 'delivering' | 'retrying' | 'stopped';

export interface DeliveryStatus {
  name: string;
  kind: EventSink['kind'];
  target: string;
  state: DeliveryState;
  /** Failed attempts of the current batch. */
  attempts: number;
  lastError: string | null;
  lastDeliveredAt: number | null;
  nextAttemptAt: number | null;
  delivered: number;
  deadLettered: number;
}

export type DeliveryNotice =
  | { type: 'delivered'; count: number }
  | { type: 'failed'; attempts: number; error: string }
  | { type: 'dead_lettered'; count: number; error: string };

export class DeliveryLoop {
  private state: DeliveryState = 'starting';
  private timer: NodeJS.Timeout | null = null;
  private poller: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private current: SourceBatch | null = null;
  private attempts = 0;
  private lastError: string | null = null;
  private lastDeliveredAt: number | null = null;
  private nextAttemptAt: number | null = null;
  private delivered = 0;
  private deadLettered = 0;
  /** A wake-up arrived while a delivery ran: read once more before going idle. */
  private wokenWhileBusy = false;
  private readonly listeners: ((notice: DeliveryNotice) => void)[] = [];

  constructor(
    readonly sink: EventSink,
    readonly source: EventSource,
    private readonly opts: DeliveryOptions,
    private readonly clock: Clock,
  ) {}

  get name(): string {
    return this.sink.name;
  }

  async start(): Promise<void> {
    await this.source.start();
    this.state = 'idle';
    if (this.opts.pollMs) {
      this.poller = setInterval(() => this.wake(), this.opts.pollMs);
      this.poller.unref();
    }
    this.wake(0);
  }

  /** New events may be waiting: read soon (unless a retry is already scheduled). */
  wake(delayMs = this.opts.batchDelayMs): void {
    if (this.state === 'delivering') this.wokenWhileBusy = true;
    if (this.state !== 'idle' || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.run();
    }, delayMs);
    this.timer.unref();
  }

  onNotice(listener: (notice: DeliveryNotice) => void): void {
    this.listeners.push(listener);
  }

  status(): DeliveryStatus {
    return {
      name: this.sink.name,
      kind: this.sink.kind,
      target: this.sink.target,
      state: this.state,
      attempts: this.attempts,
      lastError: this.lastError,
      lastDeliveredAt: this.lastDeliveredAt,
      nextAttemptAt: this.nextAttemptAt,
      delivered: this.delivered,
      deadLettered: this.deadLettered,
    };
  }

  /** Stops reading; a delivery under way may finish (and is acknowledged) within `graceMs`. */
  async close(graceMs = 5000): Promise<void> {
    const wasRunning = this.running;
    this.state = 'stopped';
    if (this.timer) clearTimeout(this.timer);
    if (this.poller) clearInterval(this.poller);
    this.timer = null;
    if (wasRunning) await withTimeout(wasRunning, graceMs);
    await this.sink.close();
    await this.source.close();
  }

  private run(): void {
    if (this.running || this.state === 'stopped') return;
    this.state = 'delivering';
    this.running = this.deliverAll()
      .catch((err: unknown) => {
        // The source failed (the store refused a read or an acknowledgement): try again later.
        this.lastError = errorText(err);
        this.scheduleRetry();
      })
      .finally(() => {
        this.running = null;
      });
  }

  /** Delivers batch after batch until the source is empty, a batch fails, or the loop stops. */
  private async deliverAll(): Promise<void> {
    for (;;) {
      if (this.state === 'stopped') return;
      if (!this.current) {
        this.wokenWhileBusy = false;
        this.current = await this.source.read(this.opts.batchSize);
        this.attempts = 0;
      }
      const batch = this.current;
      if (!batch) {
        // An event stored while that read ran (an async store) may have missed it: look again.
        if (this.wokenWhileBusy) continue;
        if ((this.state as DeliveryState) !== 'stopped') this.state = 'idle';
        return;
      }
      this.state = 'delivering';
      try {
        await this.sink.deliver(batch.events.map((e) => e.payload), batch.key);
      } catch (err) {
        const error = errorText(err);
        this.attempts++;
        this.lastError = error;
        if (this.attempts >= this.opts.maxAttempts && (await this.giveUp(batch, error))) continue;
        this.notify({ type: 'failed', attempts: this.attempts, error });
        this.scheduleRetry();
        return;
      }
      await this.source.ack(batch);
      this.current = null;
      this.attempts = 0;
      this.lastError = null;
      this.nextAttemptAt = null;
      this.lastDeliveredAt = this.clock.now();
      this.delivered += batch.events.length;
      this.notify({ type: 'delivered', count: batch.events.length });
      // A short batch means the backlog is gone: wait for the next wake-up (and its batch delay)
      // rather than chase each new commit with a batch of two or three events.
      if (batch.events.length < this.opts.batchSize) {
        if ((this.state as DeliveryState) === 'stopped') return;
        this.state = 'idle';
        if (this.wokenWhileBusy) this.wake();
        return;
      }
    }
  }

  private scheduleRetry(): void {
    if (this.state === 'stopped') return;
    this.state = 'retrying';
    const base = Math.min(this.opts.backoffMs * 2 ** Math.max(0, this.attempts - 1), this.opts.maxBackoffMs);
    const delay = Math.round(base * (0.8 + Math.random() * 0.4));
    this.nextAttemptAt = this.clock.now() + delay;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.nextAttemptAt = null;
      this.run();
    }, delay);
    this.timer.unref();
  }

  /** Stores the batch as dead letters and moves past it; false when the store refused (retried later). */
  private async giveUp(batch: SourceBatch, error: string): Promise<boolean> {
    const now = this.clock.now();
    const rows = batch.events.map((e): NewDeadLetter => {
      const { id, time } = idAndTime(e.payload);
      return { dispatcher: this.sink.name, eventId: id, time, failedAt: now, attempts: this.attempts, error, payload: e.payload };
    });
    try {
      await this.source.deadLetter(batch, rows);
    } catch {
      return false;
    }
    this.current = null;
    this.attempts = 0;
    this.nextAttemptAt = null;
    this.deadLettered += rows.length;
    this.notify({ type: 'dead_lettered', count: rows.length, error });
    return true;
  }

  private notify(notice: DeliveryNotice): void {
    for (const listener of this.listeners) listener(notice);
  }
}

/** The outbox as a source: a cursor per dispatcher in `event_cursors`, created at the current end. */
export class OutboxSource implements EventSource<SourceBatch<SourcedEvent & { seq: number }>> {
  private position = 0;

  constructor(
    private readonly repo: EventRepository,
    private readonly dispatcher: string,
    private readonly clock: Clock,
  ) {}

  /** Where this dispatcher stands (the last seq it acknowledged). */
  get cursor(): number {
    return this.position;
  }

  async start(): Promise<void> {
    const stored = await this.repo.cursor(this.dispatcher);
    if (stored !== null) {
      this.position = stored;
      return;
    }
    // A dispatcher configured for the first time starts with the events written from now on.
    this.position = await this.repo.lastSeq();
    await this.repo.setCursor(this.dispatcher, this.position, this.clock.now());
  }

  async read(limit: number) {
    const rows = await this.repo.readAfter(this.position, limit);
    if (rows.length === 0) return null;
    return { events: rows, key: `${this.dispatcher}:${rows[0]!.seq}-${rows.at(-1)!.seq}` };
  }

  async ack(batch: SourceBatch<SourcedEvent & { seq: number }>): Promise<void> {
    const last = batch.events.at(-1)!.seq;
    await this.repo.setCursor(this.dispatcher, last, this.clock.now());
    this.position = last;
  }

  async deadLetter(batch: SourceBatch<SourcedEvent & { seq: number }>, rows: NewDeadLetter[]): Promise<void> {
    const last = batch.events.at(-1)!.seq;
    await this.repo.addDeadLetters(rows, { dispatcher: this.dispatcher, position: last, now: this.clock.now() });
    this.position = last;
  }

  async lag() {
    const [last, oldestAt] = await Promise.all([this.repo.lastSeq(), this.repo.oldestAfter(this.position)]);
    return { events: Math.max(0, last - this.position), oldestAt };
  }

  async close(): Promise<void> {}
}

/** A message for status and dead letters: an error code or an HTTP status, never a URL or a secret. */
export function errorText(err: unknown): string {
  if (err instanceof DeliveryError) return err.message;
  const code = (err as { code?: unknown })?.code;
  if (typeof code === 'string') return code;
  return (err as Error)?.name ?? 'Error';
}

/** A failure whose message is safe to show and store (written by a sink, e.g. `HTTP 503`). */
export class DeliveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeliveryError';
  }
}

function idAndTime(payload: string): { id: string; time: number } {
  try {
    const parsed = JSON.parse(payload) as { id?: unknown; time?: unknown };
    return { id: typeof parsed.id === 'string' ? parsed.id : '', time: typeof parsed.time === 'string' ? Date.parse(parsed.time) || 0 : 0 };
  } catch {
    return { id: '', time: 0 };
  }
}

function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
    void promise.finally(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
