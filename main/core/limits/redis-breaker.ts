// The circuit breaker in front of Redis for rate-limit decisions. A decision waits for Redis at most
// `deadlineMs`; once one misses it, the circuit opens: while a call that went to Redis has not come
// back, every other decision is made locally at once, without sending anything. When nothing is
// outstanding, the next decision is the one probe; an answer within the deadline closes the circuit.
// A stalled Redis therefore costs one wait per probe, not one per request.
//
// A call that missed its deadline is not abandoned: its late answer is handed to `late`, so what Redis
// counted still reaches the local budget (see ./local-budget.ts).

export type BreakerState = 'closed' | 'open';

export type Attempt<T> = { answered: true; value: T } | { answered: false; reason: 'not_ready' | 'open' | 'timeout' | 'error' };

export interface RedisBreakerOptions {
  /** Longest wait for one decision (`--redis-command-timeout-ms`). */
  deadlineMs: number;
  /** Is the connection up? Not up: decide locally without trying. */
  ready: () => boolean;
}

export class RedisBreaker {
  private state: BreakerState = 'closed';
  /** Calls sent to Redis that missed their deadline and have not come back yet. */
  private outstanding = 0;
  /** A probe is in flight (the one call allowed while open). */
  private probing = false;

  constructor(private readonly opts: RedisBreakerOptions) {}

  current(): BreakerState {
    return this.state;
  }

  /** A fresh connection: whatever opened the circuit is over (its calls were failed by the close). */
  reset(): void {
    this.state = 'closed';
    this.outstanding = 0;
    this.probing = false;
  }

  /**
   * Runs `call` against Redis unless the circuit says to decide locally. `late` receives the answer of a
   * call that missed the deadline, if it ever comes.
   */
  async attempt<T>(call: () => Promise<T>, late?: (value: T) => void): Promise<Attempt<T>> {
    if (!this.opts.ready()) return { answered: false, reason: 'not_ready' };
    let probe = false;
    if (this.state === 'open') {
      if (this.probing || this.outstanding > 0) return { answered: false, reason: 'open' };
      this.probing = probe = true;
    }
    const pending = call();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'deadline'>((resolve) => {
      timer = setTimeout(() => resolve('deadline'), this.opts.deadlineMs);
    });
    try {
      const first = await Promise.race([pending.then((value) => ({ value })), deadline]);
      if (first !== 'deadline') {
        if (probe) this.state = 'closed';
        return { answered: true, value: first.value };
      }
    } catch {
      // Refused or failed (connection lost, script error): decide locally; the connection's own state
      // tells the rest.
      return { answered: false, reason: 'error' };
    } finally {
      clearTimeout(timer);
      if (probe) this.probing = false;
    }
    this.state = 'open';
    this.outstanding++;
    pending.then(
      (value) => {
        this.outstanding = Math.max(0, this.outstanding - 1);
        late?.(value);
      },
      () => {
        this.outstanding = Math.max(0, this.outstanding - 1);
      },
    );
    return { answered: false, reason: 'timeout' };
  }
}
