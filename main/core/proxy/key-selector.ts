// Which of a project's upstream keys serves the next request, and which keys are resting after a
// failure. Several keys per project spread the load by weight and fail over when one key fails.
//
// Why smooth weighted round robin (nginx's upstream algorithm) rather than power-of-two-choices:
// P2C picks two keys at random and keeps the less loaded one. It shines with many backends and a
// live load signal (in-flight requests, latency). Here a project has a handful of keys, the thing to
// honour is each key's share of the provider's quota (its weight), and the load that matters is the
// provider's rate limit per key, which we only learn from a 429 afterwards. SWRR gives every key
// exactly its weight's share over any window of `total weight` picks, interleaved (1/3/6 never sends
// six requests in a row to one key), deterministically — tests can assert exact counts — in O(n) with
// no randomness and no allocation per pick. Failures are handled beside it: a failing key cools down
// (KeyHealth) and is skipped until its cool-down ends.
//
// State lives per process (in memory): instances sharing a database each learn a key's failures on
// their own, which costs at most one failed request per instance before the key is skipped there too.

export interface SelectableKey {
  id: string;
  weight: number;
}

/** What went wrong with one request on one key. */
export interface KeyFailure {
  /** A stable code, e.g. the proxy's error code (`upstream_unreachable`) or the upstream's. */
  code: string;
  /** The upstream's HTTP status, when it answered. */
  status?: number;
  /** From the upstream's `retry-after` / `retry-after-ms` on a 429. */
  retryAfterMs?: number;
}

export type KeyHealthState = 'healthy' | 'cooling_down';

export interface KeyHealthStatus {
  state: KeyHealthState;
  coolingDownUntil: number | null;
  consecutiveFailures: number;
  lastError: string | null;
  lastErrorAt: number | null;
}

export interface KeyHealthOptions {
  /** Rest after a 5xx or an unreachable upstream (doubled per consecutive failure); after a 429 without `retry-after`. */
  cooldownMs: number;
  /** 401/403: the key itself is bad (revoked, out of credit); it rests much longer. */
  authCooldownMs: number;
  /** No cool-down is longer than this. */
  maxCooldownMs: number;
  /** A local failure started or extended a key's cool-down (the app tells the other instances, through Redis). */
  onCooldown?: (keyId: string, ms: number, code: string) => void;
}

interface HealthEntry {
  /** Epoch ms when the cool-down ends; 0 when not cooling down. */
  until: number;
  consecutiveFailures: number;
  /** How many times the 5xx cool-down has doubled; grows only for failures outside a cool-down. */
  level: number;
  lastError: string | null;
  lastErrorAt: number | null;
}

/** How much a running cool-down must grow before other instances are told again. */
const ANNOUNCE_GROWTH_MS = 1000;

/** 2^30 × any sensible cooldownMs is far beyond maxCooldownMs; stops the doubling from reaching Infinity. */
const MAX_LEVEL = 30;

function positive(ms: number | undefined): ms is number {
  return typeof ms === 'number' && Number.isFinite(ms) && ms > 0;
}

/**
 * The health of upstream keys, by key id: one per running app, shared by every project (a key id is
 * unique across projects). Only failing keys have an entry, so the success path allocates nothing.
 */
export class KeyHealth {
  private readonly entries = new Map<string, HealthEntry>();
  private readonly options: KeyHealthOptions;

  constructor(options: KeyHealthOptions) {
    this.options = options;
  }

  /**
   * A request on this key failed because of the key or its upstream: it cools down from `now`.
   * - 401/403: `authCooldownMs` (the key is bad; retrying it soon only repeats the failure);
   * - 429: the upstream's `retryAfterMs` when given, else `cooldownMs`;
   * - anything else (5xx, unreachable, timeout): `cooldownMs`, doubled per consecutive failure.
   * All capped at `maxCooldownMs`. A cool-down is only ever extended, never shortened, by a later
   * report. Failures reported while the key is already cooling down (requests that were in flight
   * when it started failing) count as failures but do not double the cool-down again, so a burst of
   * concurrent failures from one blip does not send the key straight to `maxCooldownMs`.
   */
  reportFailure(keyId: string, failure: KeyFailure, now: number): void {
    const before = this.entries.get(keyId)?.until ?? 0;
    this.record(keyId, failure, now);
    const until = this.entries.get(keyId)!.until;
    // Told when a cool-down starts or grows by a second or more: a burst of requests that were in
    // flight when the key began failing nudges it by milliseconds each, and is not worth a message each.
    if (until > now && (before <= now || until - before >= ANNOUNCE_GROWTH_MS)) this.options.onCooldown?.(keyId, until - now, failure.code);
  }

  /**
   * Another instance put the key into a cool-down of `ms` from now (relative, so clocks need not
   * agree). Extends this instance's cool-down like a local failure would, without doubling anything,
   * and is not announced again.
   */
  adoptCooldown(keyId: string, ms: number, code: string, now: number): void {
    let entry = this.entries.get(keyId);
    if (!entry) {
      entry = { until: 0, consecutiveFailures: 0, level: 0, lastError: null, lastErrorAt: null };
      this.entries.set(keyId, entry);
    }
    const until = now + Math.min(ms, this.options.maxCooldownMs);
    if (until > entry.until) entry.until = until;
    entry.lastError = code;
    entry.lastErrorAt = now;
  }

  private record(keyId: string, failure: KeyFailure, now: number): void {
    let entry = this.entries.get(keyId);
    if (!entry) {
      entry = { until: 0, consecutiveFailures: 0, level: 0, lastError: null, lastErrorAt: null };
      this.entries.set(keyId, entry);
    }
    const { cooldownMs, authCooldownMs, maxCooldownMs } = this.options;
    const wasCooling = entry.until > now;
    entry.consecutiveFailures++;
    entry.lastError = failure.code;
    entry.lastErrorAt = now;

    let duration: number;
    if (failure.status === 401 || failure.status === 403) {
      duration = authCooldownMs;
    } else if (failure.status === 429) {
      duration = positive(failure.retryAfterMs) ? failure.retryAfterMs : cooldownMs;
    } else {
      if (!wasCooling && entry.consecutiveFailures > 1) entry.level = Math.min(entry.level + 1, MAX_LEVEL);
      duration = cooldownMs * 2 ** entry.level;
    }
    const until = now + Math.min(duration, maxCooldownMs);
    if (until > entry.until) entry.until = until;
  }

  /** A request on this key succeeded: its failures are forgotten and any cool-down ends. */
  reportSuccess(keyId: string): void {
    const entry = this.entries.get(keyId);
    if (!entry) return;
    entry.until = 0;
    entry.consecutiveFailures = 0;
    entry.level = 0;
    // lastError / lastErrorAt stay: the screens show when a key last failed, even once it recovered.
  }

  /** When the key's cool-down ends, or null when it is healthy (never failed, or its cool-down is over). */
  coolingDownUntil(keyId: string, now: number): number | null {
    const entry = this.entries.get(keyId);
    return entry !== undefined && entry.until > now ? entry.until : null;
  }

  status(keyId: string, now: number): KeyHealthStatus {
    const entry = this.entries.get(keyId);
    if (!entry) return { state: 'healthy', coolingDownUntil: null, consecutiveFailures: 0, lastError: null, lastErrorAt: null };
    const cooling = entry.until > now;
    return {
      state: cooling ? 'cooling_down' : 'healthy',
      coolingDownUntil: cooling ? entry.until : null,
      consecutiveFailures: entry.consecutiveFailures,
      lastError: entry.lastError,
      lastErrorAt: entry.lastErrorAt,
    };
  }

  /** Drops everything known about a key (deleted, or its secret replaced). */
  forget(keyId: string): void {
    this.entries.delete(keyId);
  }
}

/**
 * Smooth weighted round robin over one project's keys. Kept across project reloads (`refresh`) while
 * the keys and weights stay the same, so a project used less often than it is reloaded still gets
 * every key its share; a new selector when they change. Not shared between projects; the KeyHealth is.
 */
export class KeySelector<K extends SelectableKey> {
  readonly size: number;
  private keys: readonly K[];
  private readonly ids: string[];
  private readonly weights: Float64Array;
  /** nginx's `current_weight` per key. */
  private readonly current: Float64Array;
  private readonly health: KeyHealth;

  constructor(keys: readonly K[], health: KeyHealth) {
    this.keys = keys.slice();
    this.size = this.keys.length;
    this.ids = this.keys.map((k) => k.id);
    // Weights are meant to be positive integers; a non-finite or non-positive one counts as 1 rather
    // than silently starving (or, with NaN, poisoning) the rotation.
    this.weights = Float64Array.from(this.keys, (k) => (Number.isFinite(k.weight) && k.weight > 0 ? k.weight : 1));
    this.current = new Float64Array(this.size);
    this.health = health;
  }

  /**
   * Takes freshly loaded key objects (a rotated secret keeps its key's id) and keeps the rotation's
   * position, when they are the same keys, in the same order, with the same weights; false (nothing
   * changed) otherwise, and the caller builds a new selector.
   */
  refresh(keys: readonly K[]): boolean {
    if (keys.length !== this.size) return false;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      if (key.id !== this.ids[i] || key.weight !== this.keys[i]!.weight) return false;
    }
    this.keys = keys.slice();
    return true;
  }

  /**
   * Next key by smooth weighted round robin among keys not cooling down and not excluded; when every
   * candidate is cooling down, the one whose cool-down ends first (a degraded answer beats none);
   * null only when there is no candidate at all. `exclude` is the key a failed attempt just used, so
   * a retry goes to another key.
   */
  pick(now: number, exclude?: string): K | null {
    const { ids, weights, current, health } = this;
    let total = 0;
    let best = -1;
    let soonest = -1;
    let soonestUntil = Infinity;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (id === exclude) continue;
      const until = health.coolingDownUntil(id, now);
      if (until !== null) {
        if (until < soonestUntil) {
          soonestUntil = until;
          soonest = i;
        }
        continue;
      }
      const w = weights[i]!;
      const c = current[i]! + w;
      current[i] = c;
      total += w;
      if (best === -1 || c > current[best]!) best = i;
    }
    if (best !== -1) {
      current[best] = current[best]! - total;
      return this.keys[best]!;
    }
    return soonest === -1 ? null : this.keys[soonest]!;
  }
}
