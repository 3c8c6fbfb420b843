// The live dashboard's feed: builds a LiveSnapshotView from the in-memory LiveStats, today's usage per
// project and the pipeline's backlog, and pushes it to every subscriber about once a second, only
// while someone listens. The browser gets it over SSE, the desktop window over IPC (`subscribe`).
import type { LiveRequestView, LiveSnapshotView } from '../api/event-views.ts';
import type { Clock } from '../clock.ts';
import type { Store } from '../store/types.ts';
import { maskToken } from '../tokens/format.ts';
import type { LiveStats } from './live-stats.ts';

export type SnapshotListener = (snapshot: LiveSnapshotView) => void;

export interface LiveFeedDeps {
  stats: LiveStats;
  clock: Clock;
  store: Pick<Store, 'projects' | 'tokens' | 'usage'>;
  backlog: () => Promise<LiveSnapshotView['events']>;
  intervalMs?: number;
  onError?: (err: unknown) => void;
}

const DAY_MS = 86_400_000;
/** How long names of projects and tokens are trusted before they are read again. */
const NAMES_TTL_MS = 10_000;

interface Subscriber {
  listener: SnapshotListener;
  onEnd?: () => void;
}

export class LiveFeed {
  private readonly subscribers = new Set<Subscriber>();
  private timer: NodeJS.Timeout | null = null;
  private building = false;
  private readonly names: NameBook;

  constructor(private readonly deps: LiveFeedDeps) {
    this.names = new NameBook(deps.store, deps.clock);
  }

  /**
   * Calls `listener` with a snapshot now and about every second until the returned function is called.
   * `onEnd` runs if the feed closes first (shutdown), so a stream can end its response.
   */
  subscribe(listener: SnapshotListener, onEnd?: () => void): () => void {
    const subscriber: Subscriber = { listener, onEnd };
    this.subscribers.add(subscriber);
    void this.snapshot()
      .then((snapshot) => this.subscribers.has(subscriber) && listener(snapshot))
      .catch((err: unknown) => this.deps.onError?.(err));
    if (!this.timer) {
      this.timer = setInterval(() => void this.tick(), this.deps.intervalMs ?? 1000);
      this.timer.unref();
    }
    return () => {
      this.subscribers.delete(subscriber);
      if (this.subscribers.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = null;
      }
    };
  }

  subscriberCount(): number {
    return this.subscribers.size;
  }

  /** Ends every subscription (their `onEnd` runs). */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const ending = [...this.subscribers];
    this.subscribers.clear();
    for (const subscriber of ending) subscriber.onEnd?.();
  }

  async snapshot(): Promise<LiveSnapshotView> {
    const now = this.deps.clock.now();
    const { stats } = this.deps;
    const [today, events] = await Promise.all([this.usageToday(now), this.deps.backlog()]);
    await this.names.refresh(stats.recent().map((e) => e.tokenId));
    const series = stats.series(now);
    const figures = stats.figures(now);
    const lastMinute = stats.requestsByProject(now);
    const projectIds = new Set([...today.keys(), ...lastMinute.keys()]);
    const projects = [...projectIds]
      .map((projectId) => {
        const usage = today.get(projectId);
        return {
          project_id: projectId,
          name: this.names.project(projectId),
          requests_today: usage?.requests ?? 0,
          prompt_tokens_today: usage?.promptTokens ?? 0,
          completion_tokens_today: usage?.completionTokens ?? 0,
          requests_last_minute: lastMinute.get(projectId) ?? 0,
        };
      })
      .sort(
        (a, b) =>
          b.prompt_tokens_today + b.completion_tokens_today - (a.prompt_tokens_today + a.completion_tokens_today) || b.requests_today - a.requests_today,
      );
    return {
      time: new Date(now).toISOString(),
      series: { t: series.t, requests: series.requests, errors: series.errors, rate_limited: series.rateLimited, p50_ms: series.p50, p95_ms: series.p95 },
      current: {
        window_seconds: figures.seconds,
        requests: figures.requests,
        requests_per_second: figures.requestsPerSecond,
        p50_ms: figures.p50,
        p95_ms: figures.p95,
        error_rate: figures.errorRate,
        rate_limited_rate: figures.rateLimitedRate,
        cache_hit_rate: figures.cacheHitRate,
      },
      projects,
      recent: stats.recent().map((e): LiveRequestView => ({
        request_id: e.requestId,
        time: new Date(e.time).toISOString(),
        method: e.method,
        path: e.path,
        model: e.model,
        status: e.status,
        latency_ms: Math.round(e.latencyMs * 10) / 10,
        token_id: e.tokenId,
        token_name: e.tokenId ? this.names.token(e.tokenId) : null,
        project_id: e.projectId,
        project_name: e.projectId ? this.names.project(e.projectId) : null,
        cache: e.cache,
        error: e.errorCode,
      })),
      events,
    };
  }

  private async tick(): Promise<void> {
    // A slow store must not pile up snapshots: skip a beat instead.
    if (this.building || this.subscribers.size === 0) return;
    this.building = true;
    try {
      const snapshot = await this.snapshot();
      for (const subscriber of [...this.subscribers]) {
        try {
          subscriber.listener(snapshot);
        } catch (err) {
          this.deps.onError?.(err);
        }
      }
    } catch (err) {
      this.deps.onError?.(err);
    } finally {
      this.building = false;
    }
  }

  /** Usage per project since the server's local midnight (hour buckets, written every usage flush). */
  private async usageToday(now: number) {
    const midnight = new Date(now);
    midnight.setHours(0, 0, 0, 0);
    const rows = await this.deps.store.usage.daily({ groupBy: 'project', from: midnight.getTime(), to: midnight.getTime() + DAY_MS, offsetMs: 0 });
    const totals = new Map<string, { requests: number; promptTokens: number; completionTokens: number }>();
    for (const row of rows) {
      const total = totals.get(row.key) ?? { requests: 0, promptTokens: 0, completionTokens: 0 };
      total.requests += row.requests;
      total.promptTokens += row.promptTokens;
      total.completionTokens += row.completionTokens;
      totals.set(row.key, total);
    }
    return totals;
  }
}

/** Names of projects and tokens for display, read from the store now and then, never on the request path. */
class NameBook {
  private projects = new Map<string, string>();
  private projectsReadAt = -Infinity;
  private readonly tokens = new Map<string, { name: string; readAt: number }>();

  constructor(
    private readonly store: Pick<Store, 'projects' | 'tokens'>,
    private readonly clock: Clock,
  ) {}

  project(id: string): string | null {
    return this.projects.get(id) ?? null;
  }

  token(id: string): string | null {
    return this.tokens.get(id)?.name ?? null;
  }

  async refresh(tokenIds: (string | null)[]): Promise<void> {
    const now = this.clock.now();
    if (now - this.projectsReadAt > NAMES_TTL_MS) {
      this.projects = new Map((await this.store.projects.list()).map((p) => [p.id, p.name]));
      this.projectsReadAt = now;
    }
    for (const id of new Set(tokenIds)) {
      if (!id) continue;
      const known = this.tokens.get(id);
      if (known && now - known.readAt < NAMES_TTL_MS) continue;
      const row = await this.store.tokens.get(id);
      if (row) this.tokens.set(id, { name: row.name ?? maskToken(row.tokenLast4), readAt: now });
    }
    if (this.tokens.size > 1000) this.tokens.clear();
  }
}
