// Composes the request events of one running app: the pipeline the request path records into, the
// metrics and live figures fed by it, the outbox dispatchers (JSONL file, webhook, and with Redis the
// stream every instance publishes to), retention, and the status the contract reports.
import { leaseOwner } from './lease-owner.ts';
import type { Logger } from 'pino';
import type { DeadLetterPageView, EventDispatcherView, EventsStatusView, LiveSnapshotView } from '../api/event-views.ts';
import type { Clock } from '../clock.ts';
import type { Settings } from '../config/settings.ts';
import { createProxyMetrics, type EventBacklog, type ProxyMetrics } from '../metrics/proxy-metrics.ts';
import type { RedisLink } from '../redis/connection.ts';
import type { Provider, Store } from '../store/types.ts';
import { OutboxSource } from './outbox-source.ts';
import { DeliveryLoop, type DeliveryNotice, type DeliveryOptions, type EventSink, type EventSource } from './delivery.ts';
import { EventPipeline } from './event-pipeline.ts';
import { JsonlFileSink } from './jsonl-sink.ts';
import { LiveFeed } from './live-feed.ts';
import { LiveStats } from './live-stats.ts';
import { openStreamConnection, RedisStreamSink, RedisStreamSource, streamKey } from './redis-stream.ts';
import { groupMemoryIn } from './redis-stream-groups.ts';
import { HeliconeSink } from './helicone-sink.ts';
import { OtlpSink } from './otlp-sink.ts';
import { EventRetention, storedDeliveredUpTo } from './retention.ts';
import { WebhookSink } from './webhook-sink.ts';

export type EventsSettings = Pick<
  Settings,
  | 'eventLog'
  | 'eventLogMaxBytes'
  | 'eventWebhook'
  | 'eventRetentionDays'
  | 'dataDir'
  | 'otlpEndpoint'
  | 'otlpHeaders'
  | 'otlpServiceName'
  | 'heliconeApiKey'
  | 'heliconeUrl'
>;

/** Delivery tuning; the defaults suit production, tests shorten them. */
export interface EventsOptions {
  maxAttempts?: number;
  backoffMs?: number;
  maxBackoffMs?: number;
  batchSize?: number;
  batchDelayMs?: number;
  webhookTimeoutMs?: number;
  /** How often a Redis stream consumer looks for other instances' events. */
  streamPollMs?: number;
  /** How often an outbox dispatcher looks for events other instances wrote to a shared store. */
  outboxPollMs?: number;
  /**
   * How long an outbox dispatcher's lease holds unless renewed (renewed every third of it; an instance in
   * standby tries to take it as often). Internal: tests shorten it.
   */
  leaseMs?: number;
}

export interface EventsRuntimeDeps {
  store: Store;
  clock: Clock;
  log: Logger;
  version: string;
  /** The instance's Redis connection (from the limits), when one is configured. */
  redis?: { link: RedisLink; prefix: string } | null;
  /** Names this instance in Redis consumer groups; stable across restarts (e.g. host + data folder). */
  instanceName?: string;
  options?: EventsOptions;
}

export interface EventsRuntime {
  pipeline: EventPipeline;
  metrics: ProxyMetrics;
  live: LiveFeed;
  /** Reads the dispatchers' cursors and starts delivering. */
  start(): Promise<void>;
  status(): Promise<EventsStatusView>;
  deadLetters(query: { dispatcher?: string; page: number; pageSize: number }): Promise<DeadLetterPageView>;
  /** What dispatchers report (tests wait on it). */
  onNotice(listener: (dispatcher: string, notice: DeliveryNotice) => void): void;
  /** Writes every recorded event to the outbox now. */
  flush(): Promise<void>;
  /** Moves the Redis stream dispatchers to another Redis (or to the outbox with null) at run time. */
  useRedis(next: { link: RedisLink; prefix: string } | null): Promise<void>;
  /** Keeps raw events this many days from now on (0: until delivered). */
  setRetentionDays(days: number): Promise<void>;
  close(): Promise<void>;
}

const DEFAULTS: Required<EventsOptions> = {
  maxAttempts: 10,
  backoffMs: 1000,
  maxBackoffMs: 300_000,
  batchSize: 500,
  batchDelayMs: 200,
  webhookTimeoutMs: 10_000,
  streamPollMs: 1000,
  outboxPollMs: 1000,
  leaseMs: 15_000,
};

interface Dispatcher {
  loop: DeliveryLoop;
  source: EventSource;
  sourceKind: EventDispatcherView['source'];
}

export function startEvents(settings: EventsSettings, deps: EventsRuntimeDeps): EventsRuntime {
  const { store, clock, log } = deps;
  const options = { ...DEFAULTS, ...deps.options };
  const delivery: DeliveryOptions = {
    maxAttempts: options.maxAttempts,
    backoffMs: options.backoffMs,
    maxBackoffMs: options.maxBackoffMs,
    batchSize: options.batchSize,
    batchDelayMs: options.batchDelayMs,
  };
  const onError = (what: string) => (err: unknown) => log.error({ err: { name: (err as Error)?.name, code: (err as { code?: string })?.code } }, what);

  const sinks: EventSink[] = [];
  if (settings.eventLog) sinks.push(new JsonlFileSink({ file: settings.eventLog, maxBytes: settings.eventLogMaxBytes }));
  if (settings.eventWebhook) sinks.push(new WebhookSink({ url: settings.eventWebhook, timeoutMs: options.webhookTimeoutMs }));
  if (settings.otlpEndpoint) {
    // A project's provider never changes once created: remembered per project.
    const providers = new Map<string, Promise<Provider | null>>();
    const providerOf = (id: string) => {
      if (!providers.has(id))
        providers.set(
          id,
          store.projects.get(id).then(
            (p) => p?.provider ?? null,
            () => (providers.delete(id), null),
          ),
        );
      return providers.get(id)!;
    };
    sinks.push(
      new OtlpSink({
        url: settings.otlpEndpoint,
        headers: settings.otlpHeaders,
        serviceName: settings.otlpServiceName,
        timeoutMs: options.webhookTimeoutMs,
        providerOf,
      }),
    );
  }
  if (settings.heliconeApiKey)
    sinks.push(new HeliconeSink({ url: settings.heliconeUrl, apiKey: settings.heliconeApiKey, timeoutMs: options.webhookTimeoutMs }));
  let redis = deps.redis ?? null;
  let retentionDays = settings.eventRetentionDays;
  // Nothing reads the outbox with no dispatcher, no Redis and no retention: then events feed the
  // metrics and the dashboard only, and answers do not wait for a write.
  const storedNow = () => sinks.length > 0 || redis !== null || retentionDays > 0;
  let stored = storedNow();

  const pipeline = new EventPipeline({ repo: store.events, clock, store: stored, onError: onError('event outbox write failed') });
  const stats = new LiveStats();
  const dispatchers: Dispatcher[] = [];
  // Instances sharing the store share its outbox: each dispatcher's lease lets one of them deliver it.
  // The owner names this running app (host and data folder, plus a suffix: two apps may share a folder).
  const instance = deps.instanceName ?? 'llm-proxy';
  const lease = { owner: leaseOwner(instance), instance, leaseMs: options.leaseMs };
  const outboxDispatcher = (sink: EventSink, opts: DeliveryOptions): Dispatcher => {
    const source = new OutboxSource(store.events, sink.name, clock, lease);
    // Polled too: other instances' events wake nothing here.
    return { loop: new DeliveryLoop(sink, source, { ...opts, pollMs: options.outboxPollMs }, clock), source, sourceKind: 'outbox' };
  };
  const noticeListeners: ((dispatcher: string, notice: DeliveryNotice) => void)[] = [
    (name, notice) => {
      if (notice.type === 'dead_lettered') log.warn({ dispatcher: name, count: notice.count, error: notice.error }, 'events moved to dead letters');
      else if (notice.type === 'failed' && notice.attempts === 1) log.warn({ dispatcher: name, error: notice.error }, 'event delivery failed; retrying');
    },
  ];
  // The sinks outlive their dispatchers: a change of Redis rebuilds the dispatchers around the same file
  // and webhook, and only close() closes the sinks.
  const kept = sinks.map(keptOpen);
  let stream: ReturnType<typeof openStreamConnection> | null = null;
  const buildDispatchers = () => {
    stream = redis ? openStreamConnection(redis.link) : null;
    if (redis && stream) {
      // Every instance publishes its outbox to one stream (never giving up: the outbox holds the events
      // meanwhile); each dispatcher reads the stream in a consumer group, so one delivery serves them all.
      const key = streamKey(redis.prefix);
      dispatchers.push(
        outboxDispatcher(new RedisStreamSink(stream, key), { ...delivery, maxAttempts: Infinity, maxBackoffMs: Math.min(delivery.maxBackoffMs, 5000) }),
      );
      const groups = groupMemoryIn(settings.dataDir);
      for (const sink of kept) {
        const source = new RedisStreamSource({
          conn: stream,
          key,
          group: sink.name,
          consumer: deps.instanceName ?? 'llm-proxy',
          repo: store.events,
          clock,
          groups,
        });
        dispatchers.push({ loop: new DeliveryLoop(sink, source, { ...delivery, pollMs: options.streamPollMs }, clock), source, sourceKind: 'redis-stream' });
      }
    } else {
      for (const sink of kept) dispatchers.push(outboxDispatcher(sink, delivery));
    }
    for (const d of dispatchers) d.loop.onNotice((notice) => noticeListeners.forEach((listener) => listener(d.loop.name, notice)));
  };
  buildDispatchers();
  pipeline.onWritten(() => {
    for (const d of dispatchers) if (d.sourceKind === 'outbox') d.loop.wake();
  });

  const dispatcherViews = async (): Promise<EventDispatcherView[]> => {
    const now = clock.now();
    const deadLetters = await store.events.deadLetterCounts();
    return Promise.all(
      dispatchers.map(async (d): Promise<EventDispatcherView> => {
        const status = d.loop.status();
        const lag = await d.source.lag().catch(() => ({ events: 0, oldestAt: null }));
        return {
          name: status.name,
          kind: status.kind,
          target: status.target,
          source: d.sourceKind,
          state: status.state,
          lag_events: lag.events,
          lag_seconds: lag.oldestAt === null ? 0 : Math.max(0, Math.round((now - lag.oldestAt) / 100) / 10),
          attempts: status.attempts,
          last_error: status.lastError,
          last_delivered_at: iso(status.lastDeliveredAt),
          next_attempt_at: iso(status.nextAttemptAt),
          delivered: status.delivered,
          dead_letters: deadLetters[status.name] ?? 0,
        };
      }),
    );
  };

  const backlog = async (): Promise<EventBacklog> => {
    const views = await dispatcherViews();
    const stats = pipeline.stats();
    return {
      pending: stats.pending,
      dropped: stats.dropped,
      dispatchers: views.map((v) => ({
        name: v.name,
        lagEvents: v.lag_events,
        lagSeconds: v.lag_seconds,
        deadLetters: v.dead_letters,
        failing: v.state === 'retrying',
      })),
    };
  };
  const metrics = createProxyMetrics({ version: deps.version, backlog });
  pipeline.onEvent((event) => {
    metrics.observe(event);
    stats.observe(event);
  });

  const liveBacklog = async (): Promise<LiveSnapshotView['events']> => {
    const b = await backlog();
    return {
      pending: b.pending,
      lag: Math.max(0, ...b.dispatchers.map((d) => d.lagEvents)),
      dead_letters: b.dispatchers.reduce((sum, d) => sum + d.deadLetters, 0),
      failing: b.dispatchers.filter((d) => d.failing).map((d) => d.name),
    };
  };
  const live = new LiveFeed({ stats, clock, store, backlog: liveBacklog, onError: onError('live dashboard snapshot failed') });

  const outboxNames = () => dispatchers.filter((d) => d.sourceKind === 'outbox').map((d) => d.loop.name);
  const newRetention = () =>
    new EventRetention({
      repo: store.events,
      clock,
      days: retentionDays,
      // The stored cursors (also in standby, where this instance's view lags the lease holder's).
      deliveredUpTo: () => storedDeliveredUpTo(store.events, outboxNames(), clock.now()),
      onError: onError('event retention failed'),
    });
  let retention = stored ? newRetention() : null;
  let started = false;
  /** After a change of Redis or retention: store events or not, prune with the new number of days. */
  const restartRetention = async () => {
    stored = storedNow();
    pipeline.storeEvents(stored);
    await retention?.stop();
    retention = stored ? newRetention() : null;
    if (started) retention?.start();
  };

  return {
    pipeline,
    metrics,
    live,
    async start() {
      await Promise.all(dispatchers.map((d) => d.loop.start()));
      retention?.start();
      started = true;
    },
    async useRedis(next) {
      // What the old dispatchers had not delivered stays in the outbox (or the old stream) for the new ones.
      await Promise.all(dispatchers.map((d) => d.loop.close()));
      stream?.close();
      dispatchers.length = 0;
      redis = next;
      buildDispatchers();
      await restartRetention();
      if (started) await Promise.all(dispatchers.map((d) => d.loop.start()));
    },
    async setRetentionDays(days) {
      retentionDays = days;
      await restartRetention();
    },
    async status() {
      const s = pipeline.stats();
      return {
        retention_days: retentionDays,
        stored,
        stored_events: await store.events.storedCount(),
        pending: s.pending,
        recorded: s.recorded,
        dropped: s.dropped,
        dispatchers: await dispatcherViews(),
        redis_stream: redis && stream ? { key: streamKey(redis.prefix), state: stream.state() } : null,
      };
    },
    async deadLetters({ dispatcher, page, pageSize }) {
      const result = await store.events.deadLetters({ dispatcher, page, pageSize });
      const totalPages = Math.max(1, Math.ceil(result.totalCount / pageSize));
      return {
        dead_letters: result.items.map((row) => ({
          id: row.id,
          dispatcher: row.dispatcher,
          event_id: row.eventId,
          failed_at: new Date(row.failedAt).toISOString(),
          attempts: row.attempts,
          error: row.error,
          event: parseEvent(row.payload),
        })),
        pagination: { page, page_size: pageSize, total_count: result.totalCount, total_pages: totalPages, has_next: page < totalPages, has_prev: page > 1 },
      };
    },
    onNotice(listener) {
      noticeListeners.push(listener);
    },
    flush: () => pipeline.flush(),
    async close() {
      live.close();
      await pipeline.close();
      await retention?.stop();
      // What is not delivered yet stays in the outbox (or the stream) and goes out after the next start.
      await Promise.all(dispatchers.map((d) => d.loop.close()));
      stream?.close();
      await Promise.all(sinks.map((sink) => sink.close()));
    },
  };
}

/** The sink as its dispatchers see it: they may close it, and it stays open. */
function keptOpen(sink: EventSink): EventSink {
  return new Proxy(sink, {
    get(target, name) {
      if (name === 'close') return async () => undefined;
      const value: unknown = Reflect.get(target, name, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

function parseEvent(payload: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(payload);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
