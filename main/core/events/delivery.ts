// Delivery of stored events to one sink (a file, a webhook, a Redis stream): read a batch from a source
// with its own cursor, hand it to the sink, acknowledge only once the sink has it. A failed batch is
// retried with exponential backoff; after `maxAttempts` it goes to the dead letters and the cursor
// moves on. At least once: a crash between delivery and acknowledgement delivers that batch again.
// Several instances sharing one store share its outbox: a lease per dispatcher (in `event_cursors`)
// lets exactly one of them read it at a time; the others wait in `standby` and take over when the
// holder lets go (on close) or stops renewing (a crash, a pause longer than the lease).
import type { Clock } from '../clock.ts';
import type { NewDeadLetter } from '../store/types.ts';

/** Where events go. A third kind is one more class with these members. */
export interface EventSink {
  /** Stable key of the cursor and the dead letters: `jsonl`, `webhook`, `redis-stream`. */
  readonly name: string;
  readonly kind: 'file' | 'webhook' | 'redis-stream' | 'otlp' | 'helicone';
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
  /** True while another instance delivers from this source (it holds the outbox lease): reads return nothing. */
  standby?(): boolean;
  /** Called when `standby()` changes: the loop reads at once on taking over and drops a pending retry on losing it. */
  onStandbyChange?(listener: () => void): void;
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

/** `standby`: another instance holds this dispatcher's lease on a shared outbox and delivers for it. */
export type DeliveryState = 'starting' | 'idle' | 'delivering' | 'retrying' | 'standby' | 'stopped';

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
  { type: 'delivered'; count: number } | { type: 'failed'; attempts: number; error: string } | { type: 'dead_lettered'; count: number; error: string };

export class DeliveryLoop {
  private state: DeliveryState = 'starting';
  private timer: NodeJS.Timeout | null = null;
  private poller: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private current: SourceBatch | null = null;
  /** The sink has `current`; only its acknowledgement failed (it is retried without delivering again). */
  private currentDelivered = false;
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
    this.source.onStandbyChange?.(() => this.standbyChanged());
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
      state: this.isStandby() ? 'standby' : this.state,
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

  /** Waiting for another instance's lease to lapse: not reading, nothing in hand. */
  private isStandby(): boolean {
    return (this.state === 'idle' || this.state === 'delivering') && !this.current && this.source.standby?.() === true;
  }

  private standbyChanged(): void {
    if (this.state === 'stopped') return;
    if (!this.source.standby?.()) {
      // Took over: the stored cursor may have events the previous holder did not deliver.
      this.wake(0);
      return;
    }
    // Lost the lease: the new holder delivers from the stored cursor, this batch included.
    if (this.state === 'retrying' && !this.running) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      this.dropCurrent();
      this.state = 'idle';
    }
  }

  private dropCurrent(): void {
    this.current = null;
    this.currentDelivered = false;
    this.attempts = 0;
    this.lastError = null;
    this.nextAttemptAt = null;
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
      // Another instance took this dispatcher over meanwhile: it delivers this batch from the stored cursor.
      if (this.current && this.source.standby?.()) this.dropCurrent();
      if (!this.current) {
        this.wokenWhileBusy = false;
        this.current = await this.source.read(this.opts.batchSize);
        this.currentDelivered = false;
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
      if (!this.currentDelivered) {
        try {
          await this.sink.deliver(
            batch.events.map((e) => e.payload),
            batch.key,
          );
        } catch (err) {
          const error = errorText(err);
          this.attempts++;
          this.lastError = error;
          if (this.attempts >= this.opts.maxAttempts && (await this.giveUp(batch, error))) continue;
          this.notify({ type: 'failed', attempts: this.attempts, error });
          this.scheduleRetry();
          return;
        }
        this.currentDelivered = true;
      }
      // A failed acknowledgement (the store refused it) is retried alone: the sink has the batch.
      await this.source.ack(batch);
      this.current = null;
      this.currentDelivered = false;
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
    if (this.source.standby?.()) {
      // The lease went elsewhere (e.g. an acknowledgement was refused): nothing to retry here.
      this.dropCurrent();
      this.state = 'idle';
      return;
    }
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
    this.currentDelivered = false;
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

function idAndTime(payload: string): { id: string; time: number } {
  try {
    const parsed = JSON.parse(payload) as { id?: unknown; time?: unknown };
    return { id: typeof parsed.id === 'string' ? parsed.id : '', time: typeof parsed.time === 'string' ? Date.parse(parsed.time) || 0 : 0 };
  } catch {
    return { id: '', time: 0 };
  }
}
