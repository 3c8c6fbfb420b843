// Prometheus metrics with prom-client, on a registry of their own (several apps may share a process in
// tests): requests and latency by project, status class and cache status; rate-limit refusals; upstream
// errors; tokens; the event pipeline's backlog; Node's process metrics. Request figures are counted from
// the request events, so they match the JSONL file and the webhook exactly.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { isLimitRefusal, isUpstreamError, statusClass, type RequestEvent } from '../events/request-event.ts';

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

/** What the event pipeline reports at scrape time. */
export interface EventBacklog {
  pending: number;
  dropped: number;
  dispatchers: { name: string; lagEvents: number; lagSeconds: number; deadLetters: number; failing: boolean }[];
}

export interface ProxyMetrics {
  registry: Registry;
  /** Counts one request (called for every event, on the request path). */
  observe(event: RequestEvent): void;
  /** The text exposition format, and its content type. */
  render(): Promise<{ contentType: string; body: string }>;
}

type Labels = Record<'project' | 'status_class' | 'cache', string>;

export function createProxyMetrics(opts: { version: string; backlog?: () => Promise<EventBacklog>; processMetrics?: boolean }): ProxyMetrics {
  const registry = new Registry();
  if (opts.processMetrics !== false) collectDefaultMetrics({ register: registry });

  const requests = new Counter({
    name: 'llm_proxy_requests_total',
    help: 'Requests answered on /v1, by project id, status class and cache status.',
    labelNames: ['project', 'status_class', 'cache'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'llm_proxy_request_duration_seconds',
    help: 'Time from the request arriving to the end of the answer (streams included).',
    labelNames: ['project', 'status_class', 'cache'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const upstream = new Histogram({
    name: 'llm_proxy_upstream_duration_seconds',
    help: "Time until the upstream's response headers.",
    labelNames: ['project'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const llmTokens = new Counter({
    name: 'llm_proxy_llm_tokens_total',
    help: 'Prompt and completion tokens reported by the upstream.',
    labelNames: ['project', 'kind'],
    registers: [registry],
  });
  const limited = new Counter({
    name: 'llm_proxy_limit_refusals_total',
    help: 'Requests refused by a rate limit or quota (code: rate_limited, quota_exceeded, limits_unavailable).',
    labelNames: ['project', 'code'],
    registers: [registry],
  });
  const upstreamErrors = new Counter({
    name: 'llm_proxy_upstream_errors_total',
    help: 'Requests the upstream failed (unreachable, timeout, bad response, unavailable).',
    labelNames: ['project', 'code'],
    registers: [registry],
  });
  const failovers = new Counter({
    name: 'llm_proxy_upstream_failovers_total',
    help: "Requests tried again on another of the project's upstream keys after the first key failed.",
    labelNames: ['project'],
    registers: [registry],
  });
  new Gauge({ name: 'llm_proxy_info', help: 'Always 1; the version in a label.', labelNames: ['version'], registers: [registry] }).set(
    { version: opts.version },
    1,
  );

  if (opts.backlog) {
    const backlog = opts.backlog;
    // One read of the pipeline per scrape, shared by the gauges below.
    let reading: Promise<EventBacklog> | null = null;
    const read = () => {
      reading ??= backlog().finally(() => setImmediate(() => (reading = null)));
      return reading;
    };
    new Gauge({
      name: 'llm_proxy_event_queue_pending',
      help: 'Request events recorded in memory and not yet in the outbox.',
      registers: [registry],
      async collect() {
        this.set((await read()).pending);
      },
    });
    new Gauge({
      name: 'llm_proxy_events_dropped',
      help: 'Request events dropped since start because the store refused writes for too long.',
      registers: [registry],
      async collect() {
        this.set((await read()).dropped);
      },
    });
    const perDispatcher = (name: string, help: string, pick: (d: EventBacklog['dispatchers'][number]) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['dispatcher'],
        registers: [registry],
        async collect() {
          this.reset();
          for (const d of (await read()).dispatchers) this.set({ dispatcher: d.name }, pick(d));
        },
      });
    perDispatcher('llm_proxy_event_dispatch_lag_events', 'Stored events a dispatcher has not delivered yet.', (d) => d.lagEvents);
    perDispatcher(
      'llm_proxy_event_dispatch_lag_seconds',
      'Age of the oldest event a dispatcher has not delivered yet (0 when none waits).',
      (d) => d.lagSeconds,
    );
    perDispatcher('llm_proxy_event_dead_letters', 'Events a dispatcher gave up on (kept in events_dead_letters).', (d) => d.deadLetters);
    perDispatcher('llm_proxy_event_dispatch_failing', '1 while a dispatcher retries a failed delivery.', (d) => (d.failing ? 1 : 0));
  }

  // Label objects are made once per combination: the request path allocates nothing here.
  const labelCache = new Map<string, { all: Labels; project: { project: string } }>();
  const labelsOf = (event: RequestEvent) => {
    const project = event.projectId ?? 'none';
    const cls = statusClass(event.status);
    const cache = event.cache ?? 'none';
    const key = `${project}|${cls}|${cache}`;
    let labels = labelCache.get(key);
    if (!labels) {
      labels = { all: { project, status_class: cls, cache }, project: { project } };
      labelCache.set(key, labels);
    }
    return labels;
  };

  return {
    registry,
    observe(event) {
      const labels = labelsOf(event);
      requests.inc(labels.all);
      duration.observe(labels.all, event.latencyMs / 1000);
      if (event.upstreamMs !== null) upstream.observe(labels.project, event.upstreamMs / 1000);
      if (event.promptTokens) llmTokens.inc({ project: labels.project.project, kind: 'prompt' }, event.promptTokens);
      if (event.completionTokens) llmTokens.inc({ project: labels.project.project, kind: 'completion' }, event.completionTokens);
      if (isLimitRefusal(event)) limited.inc({ project: labels.project.project, code: event.errorCode! });
      else if (isUpstreamError(event)) upstreamErrors.inc({ project: labels.project.project, code: event.errorCode! });
      if (event.attempts > 1) failovers.inc(labels.project);
    },
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
