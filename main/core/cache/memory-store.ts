// The default store: this instance's memory, bounded by bytes (lru-cache `maxSize` with a size per
// record), the least recently used answers evicted first. Nothing is serialised: a hit hands out the
// stored record as it is.
import { LRUCache } from 'lru-cache';
import type { Clock } from '../clock.ts';
import { endpointOf, parseKey } from './keys.ts';
import { recordSize, type CacheRecord, type CacheStore, type StoreUsage } from './store.ts';

export interface MemoryStoreOptions {
  /** Total bytes the records may take. */
  maxBytes: number;
  /** Largest single record; larger ones are not stored. */
  maxObjectBytes: number;
  /** Namespace of the keys (see keys.ts), for reading them back in stats. */
  namespace: string;
  clock: Clock;
}

export function createMemoryStore(opts: MemoryStoreOptions): CacheStore {
  const lru = new LRUCache<string, CacheRecord>({
    maxSize: opts.maxBytes,
    maxEntrySize: Math.min(opts.maxBytes, opts.maxObjectBytes + 64 * 1024),
    sizeCalculation: (record, key) => recordSize(key, record),
    // Expiry follows the app's clock (tests move it); the policy decides freshness anyway.
    perf: { now: () => opts.clock.now() },
    ttlResolution: 0,
  });

  return {
    kind: 'memory',
    async getMany(keys) {
      return keys.map((key) => lru.get(key));
    },
    async set(key, record, ttlMs) {
      lru.set(key, record, { ttl: Math.max(1, Math.ceil(ttlMs)) });
    },
    async delete(keys) {
      for (const key of keys) lru.delete(key);
    },
    async purge(_glob, matches) {
      let deleted = 0;
      for (const key of [...lru.keys()]) {
        if (!matches(key)) continue;
        const record = lru.peek(key, { allowStale: true });
        if (lru.delete(key) && record?.kind === 'answer') deleted++;
      }
      return deleted;
    },
    async count(_glob, matches) {
      lru.purgeStale();
      let answers = 0;
      for (const [key, record] of lru.entries()) if (record.kind === 'answer' && matches(key)) answers++;
      return answers;
    },
    async usage() {
      lru.purgeStale();
      const usage: StoreUsage = { entries: 0, bytes: lru.calculatedSize, endpoints: new Map(), partial: false };
      for (const [key, entry] of lru.dump()) {
        if (entry.value.kind !== 'answer') continue;
        usage.entries++;
        const parsed = parseKey(opts.namespace, key);
        if (!parsed) continue;
        const endpoint = endpointOf(parsed);
        const seen = usage.endpoints.get(endpoint) ?? { entries: 0, bytes: 0 };
        seen.entries++;
        seen.bytes += entry.size ?? 0;
        usage.endpoints.set(endpoint, seen);
      }
      return usage;
    },
    async close() {
      lru.clear();
    },
  };
}
