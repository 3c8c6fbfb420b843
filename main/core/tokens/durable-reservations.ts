// Limits that must hold across crashes and instances (a token's max_requests today, money budgets next):
// this instance reserves a block of the limit in the store, durably, before it hands any of it out, then
// takes from that block in memory. A crash loses at most what the block still held (wasted, never granted
// twice); a clean shutdown gives it back, and so does a holder that went idle, so that instances sharing
// a limit do not keep each other's last units. The store decides how much a reservation may take (fewer
// near the end: see store/quota-reservations.ts), so the sum of all blocks never passes the limit.
import type { Clock } from '../clock.ts';

export interface ReservationStore {
  /** Durably reserves up to `want` units of `subject`'s limit; resolves how many were granted (0: none left). */
  reserve(subject: string, want: number): Promise<number>;
  /** Gives unused units back. */
  release(releases: { subject: string; amount: number }[]): Promise<void>;
}

interface Holding {
  held: number;
  lastTakenAt: number;
  /** The reservation in flight, if any: one at a time per subject. */
  refill: Promise<number> | null;
  /** When the store last granted nothing; requests are refused without asking again for `recheckMs`. */
  refusedAt: number | null;
}

export interface DurableReservationsOptions {
  store: ReservationStore;
  /** Units reserved at once: the most a crash can waste per subject. */
  block: number;
  clock: Clock;
  /** How long a refusal by the store is believed before asking again. */
  recheckMs: number;
  /** Held units unused for this long are given back. */
  idleReleaseMs: number;
  onError?: (err: unknown) => void;
}

export class DurableReservations {
  private readonly holdings = new Map<string, Holding>();
  private readonly timer: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly opts: DurableReservationsOptions) {
    this.timer = setInterval(() => void this.releaseIdle(), opts.idleReleaseMs);
    this.timer.unref();
  }

  /**
   * Takes `amount` units of `subject`, reserving a block from the store when this instance holds too few.
   * Resolves false when the limit is spent. The check and the decrement run in one synchronous step, so
   * concurrent callers never take the same unit.
   */
  async take(subject: string, amount = 1): Promise<boolean> {
    if (this.closed) return false;
    const h = this.holding(subject);
    for (;;) {
      if (h.held >= amount) {
        h.held -= amount;
        h.lastTakenAt = this.opts.clock.now();
        return true;
      }
      if (this.refusedRecently(h)) return false;
      // A caller that waited on another's reservation gives up when it was refused, rather than asking again.
      const granted = await (h.refill ?? this.refill(subject, h, Math.max(this.opts.block, amount - h.held)));
      if (granted === 0 || this.closed) return false;
    }
  }

  /**
   * For limits whose units are only known once a request is over (money): admits while this instance holds
   * any of the subject's limit, reserving `block` more when it holds none. Nothing is taken here; `charge`
   * takes the amount afterwards, so requests in flight together may all be admitted on the last units.
   */
  async admit(subject: string, block: number): Promise<boolean> {
    if (this.closed) return false;
    const h = this.holding(subject);
    for (;;) {
      if (h.held > 0) {
        h.lastTakenAt = this.opts.clock.now();
        return true;
      }
      if (this.refusedRecently(h)) return false;
      const granted = await (h.refill ?? this.refill(subject, h, block));
      if (granted === 0 || this.closed) return false;
    }
  }

  /**
   * Takes what an admitted request used. Beyond what is held, the rest is written to the store at once as
   * reserved (a negative release), so every instance counts it before its next reservation.
   */
  charge(subject: string, amount: number): void {
    if (amount <= 0) return;
    const h = this.holding(subject);
    h.lastTakenAt = this.opts.clock.now();
    if (h.held >= amount) {
      h.held -= amount;
      return;
    }
    const beyond = amount - h.held;
    h.held = 0;
    this.opts.store.release([{ subject, amount: -beyond }]).catch((err: unknown) => this.opts.onError?.(err));
  }

  /** Nothing is held and the store refused recently: spent, as far as this instance knows. */
  spent(subject: string): boolean {
    const h = this.holdings.get(subject);
    return h !== undefined && h.held === 0 && this.refusedRecently(h);
  }

  /** The limit changed (a token was edited): give back what is held and ask the store afresh next time. */
  forget(subject: string): void {
    const h = this.holdings.get(subject);
    if (!h) return;
    h.refusedAt = null;
    const amount = h.held;
    h.held = 0;
    if (amount > 0) this.opts.store.release([{ subject, amount }]).catch((err: unknown) => this.opts.onError?.(err));
  }

  /** Gives back every held unit (clean shutdown); later takes are refused. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    await Promise.allSettled([...this.holdings.values()].map((h) => h.refill));
    await this.releaseWhere(() => true);
  }

  private holding(subject: string): Holding {
    let h = this.holdings.get(subject);
    if (!h) {
      h = { held: 0, lastTakenAt: this.opts.clock.now(), refill: null, refusedAt: null };
      this.holdings.set(subject, h);
    }
    return h;
  }

  private refusedRecently(h: Holding): boolean {
    return h.refusedAt !== null && this.opts.clock.now() - h.refusedAt < this.opts.recheckMs;
  }

  private refill(subject: string, h: Holding, want: number): Promise<number> {
    // A store that fails rejects every waiter (the request fails as the store does); nothing was granted.
    const pending = this.opts.store.reserve(subject, want).then((granted) => {
      h.held += granted;
      h.refusedAt = granted === 0 ? this.opts.clock.now() : null;
      return granted;
    });
    h.refill = pending.finally(() => (h.refill = null));
    return h.refill;
  }

  /** Gives back what subjects unused for `idleReleaseMs` hold (run by a timer; tests call it directly). */
  async releaseIdle(): Promise<void> {
    const now = this.opts.clock.now();
    await this.releaseWhere((h) => now - h.lastTakenAt >= this.opts.idleReleaseMs);
  }

  private async releaseWhere(idle: (h: Holding) => boolean): Promise<void> {
    const releases: { subject: string; amount: number }[] = [];
    for (const [subject, h] of this.holdings) {
      if (h.refill || !idle(h)) continue;
      if (h.held > 0) releases.push({ subject, amount: h.held });
      this.holdings.delete(subject);
    }
    if (releases.length === 0) return;
    try {
      await this.opts.store.release(releases);
    } catch (err) {
      // Not given back: those units stay reserved (wasted), which errs on the safe side.
      this.opts.onError?.(err);
    }
  }
}
