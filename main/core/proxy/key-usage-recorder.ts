// Per-upstream-key accounting off the hot path, like ../tokens/usage-recorder.ts: attempts, failures and
// token counts are summed in memory and added to upstream_keys in one transaction every `flushMs`
// (../delta-batcher.ts: a failed flush keeps its deltas; close() flushes the rest).
import { systemClock, type Clock } from '../clock.ts';
import { createDeltaBatcher } from '../delta-batcher.ts';
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
  const batcher = createDeltaBatcher<UpstreamKeyUsageDelta>({
    empty: (keyId) => ({ keyId, requests: 0, failures: 0, promptTokens: 0, completionTokens: 0, lastUsedAt: null, lastError: null }),
    mergeOlder: mergeOlderInto,
    write: (deltas) => deps.keys.addUsage(deltas),
    flushMs: deps.flushMs,
    onError: deps.onError,
  });
  const { deltaFor } = batcher;

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
    flush: batcher.flush,
    close: batcher.close,
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
