// Spend accounting off the hot path: each answer's cost is added in memory per token and model, and
// written to the store in one transaction every `flushMs` (../delta-batcher.ts: a failed flush keeps its
// deltas; close() flushes the rest).
import type { Clock } from '../clock.ts';
import { createDeltaBatcher } from '../delta-batcher.ts';
import type { MoneyRepository, SpendDelta } from '../store/money-types.ts';

export interface SpendRecorder {
  /** `nanos` null: the model had no price; the answer is counted as unpriced. */
  record(tokenId: string, model: string, nanos: number | null): void;
  flush(): Promise<void>;
  close(): Promise<void>;
}

export function createSpendRecorder(deps: { money: MoneyRepository; clock: Clock; flushMs: number; onError?: (err: unknown) => void }): SpendRecorder {
  const batcher = createDeltaBatcher<SpendDelta>({
    empty: (key) => {
      const cut = key.indexOf('\u0000');
      return { tokenId: key.slice(0, cut), model: key.slice(cut + 1), nanos: 0, unpriced: 0, at: 0 };
    },
    mergeOlder: (target, source) => {
      target.nanos += source.nanos;
      target.unpriced += source.unpriced;
      target.at = Math.max(target.at, source.at);
    },
    write: (deltas) => deps.money.addSpend(deltas),
    flushMs: deps.flushMs,
    onError: deps.onError,
  });
  return {
    record(tokenId, model, nanos) {
      if (nanos !== null && nanos <= 0) return;
      const delta = batcher.deltaFor(`${tokenId}\u0000${model}`);
      if (nanos === null) delta.unpriced += 1;
      else delta.nanos += nanos;
      delta.at = deps.clock.now();
    },
    flush: batcher.flush,
    close: batcher.close,
  };
}
