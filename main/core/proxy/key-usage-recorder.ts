// Per-upstream-key accounting off the hot path, like ../tokens/usage-recorder.ts: attempts, failures and
// token counts are summed in memory and added to upstream_keys in one transaction every `flushMs`. A failed
// flush keeps its deltas for the next one; one flush runs at a time; close() flushes the rest.
import { systemClock, type Clock } from '../clock.ts';
import type { UpstreamKeyRepository, UpstreamKeyUsageDelta } from '../store/types.ts';

export interface KeyUsageRecorder {
  /** One request sent upstream with the key (retries count again); `failure` when it took the key out of rotation. */
  recordAttempt(keyId: string, now: number, failure?: { code: string }): void;
  recordTokens(keyId: string, promptTokens: number, completionTokens: number): void;
  flush(): Promise<void>;
  close(): Promise<void>;
}

export function createKeyUsageRecorder(deps: {
  keys: UpstreamKeyRepository;
  flushMs: number;
  onError?: (err: unknown) => void;
  /** Marks the key as used when token counts arrive (a stream ends after its request was counted). */
  clock?: Clock;
}): KeyUsageRecorder {
  const clock = deps.clock ?? systemClock;
  let pending = new Map<string, UpstreamKeyUsageDelta>();
  let flushing: Promise<void> | null = null;
  let closed = false;

  const deltaFor = (keyId: string): UpstreamKeyUsageDelta => {
    let delta = pending.get(keyId);
    if (!delta) {
      delta = { keyId, requests: 0, failures: 0, promptTokens: 0, completionTokens: 0, lastUsedAt: null, lastError: null };
      pending.set(keyId, delta);
    }
    return delta;
  };

  const writeBatch = async (): Promise<void> => {
    if (pending.size === 0) return;
    const batch = pending;
    pending = new Map();
    try {
      await deps.keys.addUsage([...batch.values()]);
    } catch (err) {
      // What was recorded meanwhile is newer than the failed batch: merge the batch back under it.
      for (const delta of batch.values()) mergeOlderInto(deltaFor(delta.keyId), delta);
      deps.onError?.(err);
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

  const timer = setInterval(() => void flush(), deps.flushMs);
  timer.unref();

  return {
    recordAttempt(keyId, now, failure) {
      const delta = deltaFor(keyId);
      delta.requests += 1;
      delta.lastUsedAt = latest(delta.lastUsedAt, now);
      if (failure) {
        delta.failures += 1;
        if (!delta.lastError || now >= delta.lastError.at) delta.lastError = { code: failure.code, at: now };
      }
    },
    recordTokens(keyId, promptTokens, completionTokens) {
      const delta = deltaFor(keyId);
      delta.promptTokens += promptTokens;
      delta.completionTokens += completionTokens;
      delta.lastUsedAt = latest(delta.lastUsedAt, clock.now());
    },
    flush,
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      await flush();
    },
  };
}

function latest(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.max(a, b);
}

/** Adds an older (failed) batch into the newer pending delta; on equal times the newer error stays. */
function mergeOlderInto(target: UpstreamKeyUsageDelta, older: UpstreamKeyUsageDelta): void {
  target.requests += older.requests;
  target.failures += older.failures;
  target.promptTokens += older.promptTokens;
  target.completionTokens += older.completionTokens;
  target.lastUsedAt = latest(target.lastUsedAt, older.lastUsedAt);
  if (older.lastError && (!target.lastError || older.lastError.at > target.lastError.at)) target.lastError = older.lastError;
}
