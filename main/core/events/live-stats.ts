// In-memory figures for the live dashboard: one bucket per second over the last minute (requests,
// errors, 429s, cache hits, a sample of latencies) and the last requests. Fed by every event on the
// request path, so observe() does a few increments and nothing else.
import { isLimitRefusal, type RequestEvent } from './request-event.ts';

/** Latencies kept per second (a uniform sample beyond it): enough for a p95 on a chart. */
const SAMPLES_PER_SECOND = 256;

interface Bucket {
  second: number;
  requests: number;
  errors: number;
  rateLimited: number;
  cacheHits: number;
  cacheLookups: number;
  latencies: number[];
  byProject: Map<string, number>;
}

export interface LiveSeries {
  t: number[];
  requests: number[];
  errors: number[];
  rateLimited: number[];
  p50: (number | null)[];
  p95: (number | null)[];
}

export interface LiveFigures {
  seconds: number;
  requests: number;
  requestsPerSecond: number;
  p50: number | null;
  p95: number | null;
  errorRate: number | null;
  rateLimitedRate: number | null;
  cacheHitRate: number | null;
}

export class LiveStats {
  private readonly ring: Bucket[];
  private readonly recentEvents: RequestEvent[] = [];
  private recentNext = 0;

  constructor(
    readonly windowSeconds = 60,
    readonly recentSize = 20,
  ) {
    this.ring = Array.from({ length: windowSeconds }, () => emptyBucket(-1));
  }

  observe(event: RequestEvent): void {
    const second = Math.floor((event.time + event.latencyMs) / 1000);
    const bucket = this.bucketFor(second);
    if (!bucket) return;
    bucket.requests++;
    if (event.status >= 500) bucket.errors++;
    if (isLimitRefusal(event)) bucket.rateLimited++;
    if (event.cache === 'hit' || event.cache === 'miss') {
      bucket.cacheLookups++;
      if (event.cache === 'hit') bucket.cacheHits++;
    }
    if (bucket.latencies.length < SAMPLES_PER_SECOND) bucket.latencies.push(event.latencyMs);
    else {
      // Reservoir sampling: every request of the second has the same chance to be kept.
      const slot = Math.floor(Math.random() * bucket.requests);
      if (slot < SAMPLES_PER_SECOND) bucket.latencies[slot] = event.latencyMs;
    }
    if (event.projectId) bucket.byProject.set(event.projectId, (bucket.byProject.get(event.projectId) ?? 0) + 1);
    if (this.recentEvents.length < this.recentSize) this.recentEvents.push(event);
    else this.recentEvents[this.recentNext] = event;
    this.recentNext = (this.recentNext + 1) % this.recentSize;
  }

  /** Per-second series over the window, oldest first; `nowMs` decides where the window ends. */
  series(nowMs: number): LiveSeries {
    const last = Math.floor(nowMs / 1000) - 1; // the current second is still filling
    const out: LiveSeries = { t: [], requests: [], errors: [], rateLimited: [], p50: [], p95: [] };
    for (let second = last - this.windowSeconds + 1; second <= last; second++) {
      const bucket = this.ring[mod(second, this.windowSeconds)]!;
      const live = bucket.second === second;
      out.t.push(second);
      out.requests.push(live ? bucket.requests : 0);
      out.errors.push(live ? bucket.errors : 0);
      out.rateLimited.push(live ? bucket.rateLimited : 0);
      const sorted = live && bucket.latencies.length > 0 ? [...bucket.latencies].sort((a, b) => a - b) : null;
      out.p50.push(sorted ? round(quantile(sorted, 0.5)) : null);
      out.p95.push(sorted ? round(quantile(sorted, 0.95)) : null);
    }
    return out;
  }

  /** Figures over the last `seconds` complete seconds. */
  figures(nowMs: number, seconds = 10): LiveFigures {
    const last = Math.floor(nowMs / 1000) - 1;
    let requests = 0;
    let errors = 0;
    let rateLimited = 0;
    let cacheHits = 0;
    let cacheLookups = 0;
    const latencies: number[] = [];
    for (let second = last - seconds + 1; second <= last; second++) {
      const bucket = this.ring[mod(second, this.windowSeconds)]!;
      if (bucket.second !== second) continue;
      requests += bucket.requests;
      errors += bucket.errors;
      rateLimited += bucket.rateLimited;
      cacheHits += bucket.cacheHits;
      cacheLookups += bucket.cacheLookups;
      for (const latency of bucket.latencies) latencies.push(latency);
    }
    latencies.sort((a, b) => a - b);
    return {
      seconds,
      requests,
      requestsPerSecond: Math.round((requests / seconds) * 100) / 100,
      p50: latencies.length ? round(quantile(latencies, 0.5)) : null,
      p95: latencies.length ? round(quantile(latencies, 0.95)) : null,
      errorRate: requests ? errors / requests : null,
      rateLimitedRate: requests ? rateLimited / requests : null,
      cacheHitRate: cacheLookups ? cacheHits / cacheLookups : null,
    };
  }

  /** Requests per project over the whole window. */
  requestsByProject(nowMs: number): Map<string, number> {
    const last = Math.floor(nowMs / 1000);
    const totals = new Map<string, number>();
    for (const bucket of this.ring) {
      if (bucket.second <= last - this.windowSeconds || bucket.second > last) continue;
      for (const [project, count] of bucket.byProject) totals.set(project, (totals.get(project) ?? 0) + count);
    }
    return totals;
  }

  /** The last requests, newest first. */
  recent(): RequestEvent[] {
    const n = this.recentEvents.length;
    const out: RequestEvent[] = [];
    for (let i = 1; i <= n; i++) out.push(this.recentEvents[mod(this.recentNext - i, n)]!);
    return out;
  }

  private bucketFor(second: number): Bucket | null {
    const slot = mod(second, this.windowSeconds);
    let bucket = this.ring[slot]!;
    if (bucket.second === second) return bucket;
    // An event finishing long after a newer one was counted: too old for the window.
    if (bucket.second > second) return null;
    bucket = emptyBucket(second);
    this.ring[slot] = bucket;
    return bucket;
  }
}

function emptyBucket(second: number): Bucket {
  return { second, requests: 0, errors: 0, rateLimited: 0, cacheHits: 0, cacheLookups: 0, latencies: [], byProject: new Map() };
}

function mod(n: number, m: number): number {
  return ((n % m) + m) % m;
}

/** Nearest-rank quantile of sorted values. */
function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
