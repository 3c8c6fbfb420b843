// Usage accounting off the hot path: requests are counted in memory and added to the store in one
// transaction every `flushMs` (../delta-batcher.ts: a failed flush keeps its deltas; close() flushes the rest).
import { systemClock, type Clock } from '../clock.ts';
import { createDeltaBatcher } from '../delta-batcher.ts';
import type { TokenRepository, UsageDelta } from '../store/types.ts';

export interface UsageRecorder {
  recordRequest(tokenId: string, now: number): void;
  recordTokens(tokenId: string, promptTokens: number, completionTokens: number): void;
  recordCacheHit(tokenId: string, now: number): void;
  flush(): Promise<void>;
  close(): Promise<void>;
}

export function createUsageRecorder(deps: {
  tokens: TokenRepository;
  flushMs: number;
  onError?: (err: unknown) => void;
  /** Dates token counts that arrive without a request in the same batch (their hour bucket). */
  clock?: Clock;
}): UsageRecorder {
  const clock = deps.clock ?? systemClock;
  const batcher = createDeltaBatcher<UsageDelta>({
    empty: (tokenId) => ({ tokenId, requests: 0, promptTokens: 0, completionTokens: 0, cacheHits: 0, lastUsedAt: 0 }),
    mergeOlder: mergeInto,
    write: (deltas) => deps.tokens.addUsage(deltas),
    flushMs: deps.flushMs,
    onError: deps.onError,
  });
  const { deltaFor } = batcher;

  return {
    recordRequest(tokenId, now) {
      const delta = deltaFor(tokenId);
      delta.requests += 1;
      if (now > delta.lastUsedAt) delta.lastUsedAt = now;
    },
    recordTokens(tokenId, promptTokens, completionTokens) {
      const delta = deltaFor(tokenId);
      delta.promptTokens += promptTokens;
      delta.completionTokens += completionTokens;
      // A flush between the request and its usage would otherwise leave lastUsedAt 0: hour bucket 1970.
      const now = clock.now();
      if (now > delta.lastUsedAt) delta.lastUsedAt = now;
    },
    recordCacheHit(tokenId, now) {
      const delta = deltaFor(tokenId);
      delta.cacheHits += 1;
      if (now > delta.lastUsedAt) delta.lastUsedAt = now;
    },
    flush: batcher.flush,
    close: batcher.close,
  };
}

function mergeInto(target: UsageDelta, source: UsageDelta): void {
  target.requests += source.requests;
  target.promptTokens += source.promptTokens;
  target.completionTokens += source.completionTokens;
  target.cacheHits += source.cacheHits;
  target.lastUsedAt = Math.max(target.lastUsedAt, source.lastUsedAt);
}
