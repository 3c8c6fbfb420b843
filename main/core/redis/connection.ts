// The one Redis connection an instance shares between its limiters and the revocation channel, and the
// state that /ready, the screens and the audit trail report. A command never waits for a connection:
// the offline queue is off and every command has a short timeout, so an outage costs a request nothing
// but a fallback decision. Reconnection runs in the background, at most a second apart.
import { Redis, type RedisOptions } from 'ioredis';
import type { Clock } from '../clock.ts';

export type RedisLinkState = 'connecting' | 'ready' | 'unreachable';

export interface RedisLinkOptions {
  url: string;
  /** Longest wait for one answer on the request path. */
  commandTimeoutMs: number;
  clock: Clock;
  /** Longest wait for a (re)connection attempt before it counts as failed. */
  connectTimeoutMs?: number;
  /** Largest pause between reconnection attempts. */
  maxReconnectDelayMs?: number;
  /** How long a decision's answer is awaited after its deadline (default: 40 × commandTimeoutMs, at least 2 s). */
  lateAnswerMs?: number;
}

export interface RedisLink {
  /** For the cache and small writes: offline queue off, short command timeout, no retries. */
  readonly client: Redis;
  /**
   * For rate-limit decisions: like `client`, but a late answer still arrives (its command timeout is
   * `lateAnswerMs`); the limiter applies its own, short deadline and counts what comes after it.
   */
  readonly decisions: Redis;
  /** host:port/db, never the credentials. */
  readonly location: string;
  state(): RedisLinkState;
  /** When the current state began (epoch ms). */
  since(): number;
  /** Why the last attempt failed (an error code such as ECONNREFUSED), for logs. */
  lastError(): string | null;
  /** Called on every change of state, with the one before. */
  onChange(listener: (state: RedisLinkState, previous: RedisLinkState) => void): void;
  /** Resolves once the first attempt has succeeded or failed, or after `maxMs`. */
  settled(maxMs: number): Promise<void>;
  /**
   * A second connection for SUBSCRIBE. Unlike `client` it queues commands while disconnected and
   * resubscribes after a reconnection, since nothing on the request path waits for it.
   */
  subscriber(): Redis;
  close(): Promise<void>;
}

export function connectRedis(opts: RedisLinkOptions): RedisLink {
  const maxDelay = opts.maxReconnectDelayMs ?? 1000;
  const options: RedisOptions = {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: opts.commandTimeoutMs,
    connectTimeout: opts.connectTimeoutMs ?? 2000,
    retryStrategy: (attempt) => Math.min(50 * 2 ** Math.min(attempt, 10), maxDelay),
    // Commands issued in the same tick (one request's limits) leave in one write: one round trip.
    enableAutoPipelining: true,
    connectionName: 'llm-proxy',
  };
  const client = new Redis(opts.url, options);
  const decisions = new Redis(opts.url, {
    ...options,
    commandTimeout: opts.lateAnswerMs ?? Math.max(2000, 40 * opts.commandTimeoutMs),
    connectionName: 'llm-proxy-limits',
  });
  decisions.on('error', () => undefined);
  const subscribers: Redis[] = [];
  const listeners: ((state: RedisLinkState, previous: RedisLinkState) => void)[] = [];
  let state: RedisLinkState = 'connecting';
  let since = opts.clock.now();
  let lastError: string | null = null;
  let closed = false;

  const become = (next: RedisLinkState) => {
    if (next === state || closed) return;
    const previous = state;
    state = next;
    since = opts.clock.now();
    for (const listener of listeners) listener(next, previous);
  };
  client.on('ready', () => {
    lastError = null;
    become('ready');
  });
  client.on('close', () => become('unreachable'));
  client.on('end', () => become('unreachable'));
  // Without a listener ioredis prints every failed attempt; the state change is what we report.
  client.on('error', (err: Error & { code?: string }) => {
    lastError = err.code ?? err.name;
  });

  return {
    client,
    decisions,
    location: locationOf(opts.url),
    state: () => state,
    since: () => since,
    lastError: () => lastError,
    onChange(listener) {
      listeners.push(listener);
    },
    settled(maxMs) {
      if (state !== 'connecting') return Promise.resolve();
      return new Promise((resolve) => {
        const timer = setTimeout(resolve, maxMs);
        timer.unref();
        listeners.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
    subscriber() {
      const sub = client.duplicate({
        enableOfflineQueue: true,
        maxRetriesPerRequest: null,
        commandTimeout: undefined,
        enableAutoPipelining: false,
        connectionName: 'llm-proxy-sub',
      });
      sub.on('error', () => undefined);
      subscribers.push(sub);
      return sub;
    },
    async close() {
      closed = true;
      // disconnect, not quit: quit would wait for an answer that an unreachable Redis never sends.
      for (const sub of subscribers) sub.disconnect();
      decisions.disconnect();
      client.disconnect();
    },
  };
}

/** `redis://user:secret@host:6380/2` → `host:6380/2`. */
export function locationOf(url: string): string {
  try {
    const parsed = new URL(url);
    const db = parsed.pathname.replace(/^\/+/, '');
    return `${parsed.protocol === 'rediss:' ? 'rediss://' : ''}${parsed.hostname}:${parsed.port || '6379'}${db ? `/${db}` : ''}`;
  } catch {
    return '(invalid URL)';
  }
}
