// The shared store: answers in Redis (one value per key, `SET … PX ttl`), so every instance pointed at
// the same Redis and prefix serves the same cached answers. Purge walks the keys with SCAN (never KEYS:
// it would stall Redis for everyone) and removes them with UNLINK. Memory is bounded by Redis's own
// `maxmemory` policy; this store enforces the object size cap and the TTL.
import type { Redis } from 'ioredis';
import { endpointOf, parseKey } from './keys.ts';
import { decodeRecord, encodeRecord, type CacheStore, type StoreUsage } from './store.ts';

export interface RedisStoreOptions {
  client: Redis;
  /** Namespace of the keys, under the configured Redis prefix: `llmp:cache:`. */
  namespace: string;
  /** Reports whether the connection is up; while down, reads miss at once instead of erroring. */
  ready?: () => boolean;
  /** How many keys stats look at, at most (SCAN + STRLEN); more makes the figures partial. */
  statsKeyLimit?: number;
}

const SCAN_COUNT = 500;

export function createRedisStore(opts: RedisStoreOptions): CacheStore {
  const { client, namespace } = opts;
  const ready = opts.ready ?? (() => true);
  const statsKeyLimit = opts.statsKeyLimit ?? 20_000;

  async function* scan(glob: string): AsyncGenerator<string[]> {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', glob, 'COUNT', SCAN_COUNT);
      cursor = next;
      if (keys.length) yield keys;
    } while (cursor !== '0');
  }

  return {
    kind: 'redis',
    async getMany(keys) {
      if (!ready()) throw new Error('redis unreachable');
      const values = await client.mgetBuffer(...keys);
      return values.map((value) => (value ? decodeRecord(value) : undefined));
    },
    async set(key, record, ttlMs) {
      await client.set(key, encodeRecord(record), 'PX', Math.max(1, Math.ceil(ttlMs)));
    },
    async delete(keys) {
      if (keys.length) await client.unlink(...keys);
    },
    async purge(glob, matches) {
      let deleted = 0;
      for await (const keys of scan(glob)) {
        const selected = keys.filter(matches);
        if (!selected.length) continue;
        // UNLINK answers how many keys existed; Vary indexes go too but are not answers, so not counted.
        const answers = selected.filter((key) => !parseKey(namespace, key)?.isVaryIndex);
        const indexes = selected.filter((key) => parseKey(namespace, key)?.isVaryIndex);
        const [removed] = await Promise.all([answers.length ? client.unlink(...answers) : 0, indexes.length ? client.unlink(...indexes) : 0]);
        deleted += removed;
      }
      return deleted;
    },
    async count(glob, matches) {
      let answers = 0;
      for await (const keys of scan(glob)) answers += keys.filter((key) => matches(key) && !parseKey(namespace, key)?.isVaryIndex).length;
      return answers;
    },
    async usage() {
      const usage: StoreUsage = { entries: 0, bytes: 0, endpoints: new Map(), partial: false };
      let seen = 0;
      for await (const keys of scan(`${namespace.replace(/[*?[\]\\]/g, (c) => `\\${c}`)}*`)) {
        const sizes = await Promise.all(keys.map((key) => client.strlen(key)));
        keys.forEach((key, i) => {
          const bytes = (sizes[i] ?? 0) + key.length;
          usage.bytes += bytes;
          const parsed = parseKey(namespace, key);
          if (!parsed || parsed.isVaryIndex) return;
          usage.entries++;
          const endpoint = endpointOf(parsed);
          const entry = usage.endpoints.get(endpoint) ?? { entries: 0, bytes: 0 };
          entry.entries++;
          entry.bytes += bytes;
          usage.endpoints.set(endpoint, entry);
        });
        seen += keys.length;
        if (seen >= statsKeyLimit) {
          usage.partial = true;
          break;
        }
      }
      return usage;
    },
    async close() {
      // The connection belongs to the app (shared with the limiters); it closes it.
    },
  };
}
