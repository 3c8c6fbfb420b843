// Counters kept in memory and written to the store in one call every `flushMs`, off the request path:
// one delta per key (a token, an upstream key) that the recorders add to. A failed write keeps its
// deltas for the next one (merged under what was recorded meanwhile); one flush runs at a time; close()
// stops the timer and writes the rest.

export interface DeltaBatcher<D> {
  /** The pending delta of `key`, created empty on first use. */
  deltaFor(key: string): D;
  flush(): Promise<void>;
  close(): Promise<void>;
}

export function createDeltaBatcher<D>(opts: {
  empty(key: string): D;
  /** Adds a batch that failed to be written into the delta recorded since (which is newer). */
  mergeOlder(into: D, older: D): void;
  write(deltas: D[]): Promise<void>;
  flushMs: number;
  onError?: (err: unknown) => void;
}): DeltaBatcher<D> {
  let pending = new Map<string, D>();
  let flushing: Promise<void> | null = null;
  let closed = false;

  const deltaFor = (key: string): D => {
    let delta = pending.get(key);
    if (!delta) {
      delta = opts.empty(key);
      pending.set(key, delta);
    }
    return delta;
  };

  const writeBatch = async (): Promise<void> => {
    if (pending.size === 0) return;
    const batch = pending;
    pending = new Map();
    try {
      await opts.write([...batch.values()]);
    } catch (err) {
      for (const [key, delta] of batch) opts.mergeOlder(deltaFor(key), delta);
      opts.onError?.(err);
    }
  };

  const flush = async (): Promise<void> => {
    // One flush at a time, so two batches never race; a caller arriving mid-flush waits, then writes what is left.
    while (flushing) await flushing;
    flushing = writeBatch().finally(() => {
      flushing = null;
    });
    await flushing;
  };

  const timer = setInterval(() => void flush(), opts.flushMs);
  timer.unref();

  return {
    deltaFor,
    flush,
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      await flush();
    },
  };
}
