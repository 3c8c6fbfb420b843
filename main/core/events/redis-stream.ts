// Request events in a Redis Stream, so several instances feed one set of dispatchers. Each instance
// publishes its outbox to the stream (RedisStreamSink, with its own outbox cursor: nothing is lost while
// Redis is away); each dispatcher reads the stream in a consumer group named after it
// (RedisStreamSource) and acknowledges with XACK only after delivery. Entries a crashed consumer left
// pending are claimed by another after a minute. The instance's Redis (the limits' link) is reused
// through a duplicate socket: one socket answers in order, so a batch of XADDs on the limiters' socket
// would hold their 50 ms decisions back.
import type { Redis } from 'ioredis';
import type { Clock } from '../clock.ts';
import type { RedisLink } from '../redis/connection.ts';
import type { EventRepository, NewDeadLetter } from '../store/types.ts';
import { DeliveryError, type EventSink, type EventSource, type SourceBatch, type SourcedEvent } from './delivery.ts';
import { groupMemoryInProcess, type GroupMemory } from './redis-stream-groups.ts';
import { StreamReplay } from './redis-stream-replay.ts';

/** Roughly this many entries stay in the stream (XADD MAXLEN ~): a bound, not a retention promise. */
const STREAM_MAX_LENGTH = 1_000_000;
/** A consumer's entry unacknowledged this long is taken over by another consumer of the group. */
const CLAIM_IDLE_MS = 60_000;
/** Entries per XADD transaction. */
const PUBLISH_CHUNK = 100;
/** Longest wait for one answer on the events socket (nothing on the request path waits for it). */
const STREAM_COMMAND_TIMEOUT_MS = 5000;

export function streamKey(prefix: string): string {
  return `${prefix}events`;
}

/** The events' own socket to the instance's Redis: same server and credentials, its own queue. */
export interface StreamConnection {
  readonly client: Redis;
  /** host:port/db, never credentials. */
  readonly location: string;
  state(): 'ready' | 'connecting' | 'unreachable';
  close(): void;
}

export function openStreamConnection(link: RedisLink): StreamConnection {
  const client = link.client.duplicate({
    commandTimeout: STREAM_COMMAND_TIMEOUT_MS,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    enableAutoPipelining: false,
    connectionName: 'llm-proxy-events',
  });
  // Failed attempts are reported by the limits' link; here they only fail a batch, which is retried.
  client.on('error', () => undefined);
  return {
    client,
    location: link.location,
    state: () =>
      client.status === 'ready' ? 'ready' : ['connecting', 'connect', 'wait', 'reconnecting'].includes(client.status) ? 'connecting' : 'unreachable',
    close: () => client.disconnect(),
  };
}

/** Publishes outbox events to the stream, one MULTI per chunk (all or nothing). */
export class RedisStreamSink implements EventSink {
  readonly name = 'redis-stream';
  readonly kind = 'redis-stream' as const;
  readonly target: string;
  private readonly replay: StreamReplay;

  constructor(
    private readonly conn: StreamConnection,
    private readonly key: string,
  ) {
    this.target = `${conn.location} ${key}`;
    this.replay = new StreamReplay(conn.client, key);
  }

  async deliver(payloads: string[]): Promise<void> {
    if (this.conn.state() !== 'ready') throw new DeliveryError('redis unreachable');
    const queue = [...payloads];
    while (queue.length > 0) {
      const chunk = queue.splice(0, PUBLISH_CHUNK);
      const multi = this.conn.client.multi();
      this.replay.checkEpoch(multi);
      for (const payload of chunk) multi.xadd(this.key, 'MAXLEN', '~', STREAM_MAX_LENGTH, '*', 'e', payload);
      const results = await multi.exec().catch((err: unknown) => {
        throw new DeliveryError(redisError(err));
      });
      const failed = results?.find(([err]) => err);
      if (!results || failed) throw new DeliveryError(failed ? redisError(failed[0]) : 'redis transaction aborted');
      const epoch = results[1]![1] as string | null;
      const published = chunk.map((payload, i) => ({ id: String(results[i + 2]![1]), payload }));
      // The stream is new since the last chunk: what was not acknowledged yet goes out again.
      queue.push(...this.replay.afterPublish(epoch, published));
    }
    await this.replay.forgetConfirmed().catch(() => undefined);
  }

  /** Entries published and not yet acknowledged by every consumer group (kept for a replay). */
  unconfirmed(): number {
    return this.replay.size();
  }

  async close(): Promise<void> {}
}

type StreamEntry = [id: string, fields: string[] | null];

export interface RedisStreamSourceOptions {
  conn: StreamConnection;
  key: string;
  /** The consumer group: the dispatcher's name. */
  group: string;
  /** Stable for this instance across restarts, so it finds its own unacknowledged entries again. */
  consumer: string;
  repo: Pick<EventRepository, 'addDeadLetters'>;
  clock: Clock;
  /** Which groups this instance read before (a missing one was lost with Redis's data). */
  groups?: GroupMemory;
}

/** A dispatcher's consumer group: own pending entries first, then stale ones of others, then new. */
export class RedisStreamSource implements EventSource<SourceBatch<SourcedEvent & { id: string }>> {
  private groupReady = false;
  private ownPendingDone = false;
  private readonly groups: GroupMemory;

  constructor(private readonly opts: RedisStreamSourceOptions) {
    this.groups = opts.groups ?? groupMemoryInProcess();
  }

  async start(): Promise<void> {
    // The group is created on the first read: Redis may be away at startup.
  }

  read(limit: number) {
    return this.noticingLostGroup(() => this.readGroup(limit));
  }

  private async readGroup(limit: number) {
    const { client } = this.ready();
    await this.ensureGroup();
    const { key, group, consumer } = this.opts;
    let entries: StreamEntry[] = [];
    if (!this.ownPendingDone) {
      // Entries this consumer read before a restart but never acknowledged.
      entries = firstStream(await client.xreadgroup('GROUP', group, consumer, 'COUNT', limit, 'STREAMS', key, '0'));
      if (entries.length === 0) this.ownPendingDone = true;
    }
    if (entries.length === 0) {
      const claimed = (await client.xautoclaim(key, group, consumer, CLAIM_IDLE_MS, '0-0', 'COUNT', limit)) as [string, StreamEntry[], string[]?];
      entries = claimed[1] ?? [];
    }
    if (entries.length === 0) entries = firstStream(await client.xreadgroup('GROUP', group, consumer, 'COUNT', limit, 'STREAMS', key, '>'));
    // Entries trimmed away while pending come back without fields: acknowledge and skip them.
    const gone = entries.filter(([, fields]) => !fields).map(([id]) => id);
    if (gone.length > 0) await client.xack(key, group, ...gone);
    const events = entries.flatMap(([id, fields]) => {
      const payload = fields ? fieldValue(fields, 'e') : null;
      return payload === null ? [] : [{ id, payload }];
    });
    if (events.length === 0) return null;
    return { events, key: `${group}:${events[0]!.id}-${events.at(-1)!.id}` };
  }

  async ack(batch: SourceBatch<SourcedEvent & { id: string }>): Promise<void> {
    await this.noticingLostGroup(() => this.ready().client.xack(this.opts.key, this.opts.group, ...batch.events.map((e) => e.id)));
  }

  async deadLetter(batch: SourceBatch<SourcedEvent & { id: string }>, rows: NewDeadLetter[]): Promise<void> {
    await this.opts.repo.addDeadLetters(rows);
    await this.ack(batch);
  }

  lag(): Promise<{ events: number; oldestAt: number | null }> {
    return this.noticingLostGroup(() => this.groupLag());
  }

  private async groupLag(): Promise<{ events: number; oldestAt: number | null }> {
    const { client } = this.ready();
    await this.ensureGroup();
    const groups = (await client.xinfo('GROUPS', this.opts.key)) as unknown[][];
    const info = groups.map(toRecord).find((g) => g.name === this.opts.group);
    if (!info) return { events: 0, oldestAt: null };
    const pending = Number(info.pending ?? 0);
    const lag = Number(info.lag ?? 0);
    let oldestAt: number | null = null;
    if (pending > 0) {
      const summary = (await client.xpending(this.opts.key, this.opts.group)) as [number, string | null, string | null, unknown];
      oldestAt = summary[1] ? idTime(summary[1]) : null;
    } else if (lag > 0) {
      const next = (await client.xrange(this.opts.key, `(${String(info['last-delivered-id'] ?? '0-0')}`, '+', 'COUNT', 1)) as StreamEntry[];
      oldestAt = next[0] ? idTime(next[0][0]) : null;
    }
    return { events: pending + lag, oldestAt };
  }

  async close(): Promise<void> {}

  private ready(): StreamConnection {
    if (this.opts.conn.state() !== 'ready') throw new DeliveryError('redis unreachable');
    return this.opts.conn;
  }

  private async ensureGroup(): Promise<void> {
    if (this.groupReady) return;
    const { key, group } = this.opts;
    // A group this instance read before and Redis no longer has was lost with Redis's data: everything
    // in the stream now came after the loss (or is published again), so start at its beginning. A new
    // dispatcher starts with the events published from now on (`$`), like a new outbox cursor.
    const start = this.groups.had(key, group) ? '0' : '$';
    try {
      await this.opts.conn.client.xgroup('CREATE', key, group, start, 'MKSTREAM');
    } catch (err) {
      if (!String((err as Error)?.message).startsWith('BUSYGROUP')) throw err;
    }
    this.groups.remember(key, group);
    this.groupReady = true;
  }

  /** NOGROUP: the group vanished (Redis restarted empty, FLUSHALL, failover): create it again next time. */
  private async noticingLostGroup<T>(step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (err) {
      if (!String((err as Error)?.message).startsWith('NOGROUP')) throw err;
      this.groupReady = false;
      this.ownPendingDone = false;
      throw new DeliveryError('redis consumer group missing');
    }
  }
}

function firstStream(reply: unknown): StreamEntry[] {
  const streams = reply as [string, StreamEntry[]][] | null;
  return streams?.[0]?.[1] ?? [];
}

function fieldValue(fields: string[], name: string): string | null {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1]!;
  return null;
}

function toRecord(flat: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[String(flat[i])] = flat[i + 1];
  return out;
}

function idTime(id: string): number {
  return Number(id.split('-')[0]);
}

function redisError(err: unknown): string {
  const message = String((err as Error)?.message ?? err);
  // Redis replies start with an error code (NOSCRIPT, OOM, …); timeouts come from ioredis.
  if (/timed out/i.test(message)) return 'redis timeout';
  return message.split(' ')[0]?.slice(0, 40) || 'redis error';
}
