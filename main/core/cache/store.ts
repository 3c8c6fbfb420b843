// The cache store's contract, met by the in-memory store (one instance) and the Redis store (shared by
// instances). Stores keep opaque records under keys (see keys.ts); freshness is decided above them by
// HTTP caching rules (policy.ts), the store's own TTL only frees space.
import type CachePolicy from 'http-cache-semantics';

/** A cached answer: status, the headers the client got, the body, and the caching policy. */
export interface AnswerRecord {
  kind: 'answer';
  status: number;
  headers: Record<string, string | string[]>;
  /** http-cache-semantics' serialised policy (freshness, age, Vary). */
  policy: CachePolicy.CachePolicyObject;
  storedAt: number;
  body: Buffer;
}

/** Which request headers the answers under one key vary on. */
export interface VaryRecord {
  kind: 'vary';
  fields: string[];
}

export type CacheRecord = AnswerRecord | VaryRecord;

export interface StoreUsage {
  /** Answers (Vary indexes not counted). */
  entries: number;
  bytes: number;
  /** Per `METHOD /path`. */
  endpoints: Map<string, { entries: number; bytes: number }>;
  /** The Redis store looks at a bounded number of keys; true when there were more. */
  partial: boolean;
}

export interface CacheStore {
  readonly kind: 'memory' | 'redis';
  /** Several keys at once (one round trip on Redis); undefined where nothing (fresh) is stored. */
  getMany(keys: readonly string[]): Promise<(CacheRecord | undefined)[]>;
  set(key: string, record: CacheRecord, ttlMs: number): Promise<void>;
  delete(keys: readonly string[]): Promise<void>;
  /** Removes every key the predicate accepts among those the glob selects; returns how many answers went. */
  purge(glob: string, matches: (key: string) => boolean): Promise<number>;
  /** How many answers `purge` would remove with the same arguments (fresh ones only), removing nothing. */
  count(glob: string, matches: (key: string) => boolean): Promise<number>;
  usage(): Promise<StoreUsage>;
  close(): Promise<void>;
}

/** Bytes a record takes: the body, the headers and policy as JSON, and the key. */
export function recordSize(key: string, record: CacheRecord): number {
  if (record.kind === 'vary') return key.length + 32 + record.fields.join(',').length;
  return key.length + record.body.length + JSON.stringify(record.headers).length + JSON.stringify(record.policy).length + 64;
}

/**
 * One Redis value: a 4-byte length, the record without its body as JSON, then the body bytes as they
 * are (no base64: an embeddings answer stays its own size).
 */
export function encodeRecord(record: CacheRecord): Buffer {
  const { body, ...meta } = record.kind === 'answer' ? record : { ...record, body: Buffer.alloc(0) };
  const json = Buffer.from(JSON.stringify(meta), 'utf8');
  const head = Buffer.allocUnsafe(4);
  head.writeUInt32BE(json.length, 0);
  return Buffer.concat([head, json, body]);
}

export function decodeRecord(value: Buffer): CacheRecord | undefined {
  if (value.length < 4) return undefined;
  const length = value.readUInt32BE(0);
  if (4 + length > value.length) return undefined;
  try {
    const meta = JSON.parse(value.subarray(4, 4 + length).toString('utf8')) as Omit<AnswerRecord, 'body'> | VaryRecord;
    if (meta.kind === 'vary') return { kind: 'vary', fields: meta.fields };
    if (meta.kind !== 'answer') return undefined;
    return { ...meta, body: value.subarray(4 + length) };
  } catch {
    return undefined;
  }
}
