// Deletes raw events from the outbox once every configured dispatcher has them and they are older than
// the retention (`eventRetentionDays`), and dead letters older than the retention (at least 30 days).
// Runs in small batches so a large backlog never blocks the request path for long.
import type { Clock } from '../clock.ts';
import type { EventRepository } from '../store/types.ts';

const DAY_MS = 86_400_000;
const BATCH = 2000;
/** Dead letters are what a user must look at: kept at least this long whatever the retention. */
const MIN_DEAD_LETTER_DAYS = 30;

export interface RetentionDeps {
  repo: EventRepository;
  clock: Clock;
  days: number;
  /** The lowest stored cursor among the dispatchers reading the outbox (everything up to it is delivered). */
  deliveredUpTo: () => Promise<number>;
  intervalMs?: number;
  onError?: (err: unknown) => void;
}

/**
 * The highest seq every dispatcher that still needs the outbox has passed, from the cursors stored in the
 * database (not an instance's own view: in standby that lags the lease holder's): the outbox dispatchers
 * configured here, and any other one whose lease is current (another instance sharing the store delivers
 * it). A configured dispatcher without a cursor yet keeps everything; with none at all, everything written
 * counts as delivered.
 */
export async function storedDeliveredUpTo(repo: Pick<EventRepository, 'cursors' | 'lastSeq'>, configured: string[], now: number): Promise<number> {
  const rows = await repo.cursors();
  if (configured.some((name) => !rows.some((r) => r.dispatcher === name))) return 0;
  const positions = rows.filter((r) => configured.includes(r.dispatcher) || (r.leaseUntil !== null && r.leaseUntil >= now)).map((r) => r.position);
  return positions.length > 0 ? Math.min(...positions) : repo.lastSeq();
}

export class EventRetention {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;

  constructor(private readonly deps: RetentionDeps) {}

  start(): void {
    this.timer = setInterval(() => void this.prune().catch((err: unknown) => this.deps.onError?.(err)), this.deps.intervalMs ?? 10 * 60_000);
    this.timer.unref();
    // Once soon after start, off the startup path.
    setTimeout(() => void this.prune().catch((err: unknown) => this.deps.onError?.(err)), 5_000).unref();
  }

  /** Deletes what is due; resolves with how many events went. */
  prune(): Promise<number> {
    this.running ??= this.pruneAll().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  private async pruneAll(): Promise<number> {
    const now = this.deps.clock.now();
    const upTo = await this.deps.deliveredUpTo();
    let total = 0;
    let deadLettersBefore = now - Math.max(this.deps.days, MIN_DEAD_LETTER_DAYS) * DAY_MS;
    for (;;) {
      const { events } = await this.deps.repo.prune({ before: now - this.deps.days * DAY_MS, upTo, limit: BATCH, deadLettersBefore });
      deadLettersBefore = 0;
      total += events;
      if (events < BATCH) return total;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}
