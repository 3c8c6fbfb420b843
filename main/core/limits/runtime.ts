// Composes the rate limits for one running app: per-instance (memory) limits, or, with a Redis URL,
// shared limits insured by local ones, the revocation channel, the Redis state for /ready and the
// screens, and one audit row per outage (limits.redis_unreachable / limits.redis_restored).
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { AuditLog } from '../audit/audit-log.ts';
import type { RedisStatusView } from '../api/views.ts';
import type { Clock } from '../clock.ts';
import type { Settings } from '../config/settings.ts';
import { connectRedis, type RedisLink, type RedisLinkState } from '../redis/connection.ts';
import { createInvalidationBus, type InvalidationBus } from '../redis/invalidation.ts';
import type { KeyHealth } from '../proxy/key-selector.ts';
import type { InvalidationBroadcast, TokenGate } from '../tokens/token-gate.ts';
import { announceInstance, type LiveInstances } from '../redis/live-instances.ts';
import { warmDecisions } from './limiter-pool.ts';
import { RequestLimits } from './request-limits.ts';

/** How long startup waits for a first answer from Redis before it serves with local limits. */
const FIRST_CONNECT_WAIT_MS = 2000;

export interface LimitsRuntime {
  limits: RequestLimits;
  /** For the gate: tells other instances about this one's revocations (undefined without Redis). */
  broadcast: InvalidationBroadcast | undefined;
  /** Lets other instances' revocations reach this gate, and their keys' cool-downs this key health. */
  listen(gate: Pick<TokenGate, 'invalidateToken' | 'invalidateProject'>, keyHealth?: Pick<KeyHealth, 'adoptCooldown'>): void;
  /** Resolves once Redis answered or refused (at most a couple of seconds), so the first requests share limits. */
  started(): Promise<void>;
  status(): RedisStatusView;
  /** The /ready check: `ok`, `unreachable` or `connecting`; null without Redis. */
  readiness(): { ok: boolean; check: string } | null;
  /** The Redis connection (null without a URL), for other shared state such as the response cache. */
  redis: RedisLink | null;
  close(): Promise<void>;
}

export type LimitsSettings = Pick<Settings, 'redisUrl' | 'redisPrefix' | 'redisCommandTimeoutMs' | 'limitsFailClosed'>;

export function startLimits(settings: LimitsSettings, deps: { clock: Clock; log: Logger; audit: AuditLog; windowSeconds?: number }): LimitsRuntime {
  const { clock, log, audit } = deps;
  const link: RedisLink | null = settings.redisUrl ? connectRedis({ url: settings.redisUrl, commandTimeoutMs: settings.redisCommandTimeoutMs, clock }) : null;
  const decisionsReady = () => link?.decisions.status === 'ready';
  const instances: LiveInstances | null = link ? announceInstance({ client: link.client, prefix: settings.redisPrefix, clock, ready: () => link.state() === 'ready' }) : null;
  const limits = new RequestLimits({
    redis: link ? { client: link.decisions, ready: decisionsReady } : null,
    decisionTimeoutMs: settings.redisCommandTimeoutMs,
    liveInstances: () => instances?.count() ?? 1,
    clock,
    prefix: settings.redisPrefix,
    failClosed: settings.limitsFailClosed,
    windowSeconds: deps.windowSeconds,
  });
  const startedAt = clock.now();

  let bus: InvalidationBus | null = null;
  let gate: Pick<TokenGate, 'invalidateToken' | 'invalidateProject'> | null = null;
  let keyHealth: Pick<KeyHealth, 'adoptCooldown'> | null = null;
  if (link) {
    link.onChange((state, previous) => reportChange(state, previous));
    // A Redis that restarted has forgotten the script: load it again before decisions need it.
    link.decisions.on('ready', () => void warmDecisions(link.decisions, settings.redisPrefix));
    bus = createInvalidationBus({
      link,
      prefix: settings.redisPrefix,
      onMessage: (message) => {
        if (message.kind === 'token') gate?.invalidateToken(message.id, 'peer');
        else if (message.kind === 'project') gate?.invalidateProject(message.id, 'peer');
        else if (message.kind === 'key_cooldown') keyHealth?.adoptCooldown(message.id, message.ms, message.code, clock.now());
      },
      onError: (err) => log.warn({ err: errorCode(err) }, 'redis revocation channel failed'),
    });
  }

  let downSince: number | null = null;
  function reportChange(state: RedisLinkState, previous: RedisLinkState): void {
    if (!link) return;
    const location = link.location;
    if (state === 'ready') {
      log.info({ redis: location, prefix: settings.redisPrefix }, previous === 'connecting' ? 'redis connected: rate limits are shared' : 'redis restored: rate limits are shared again');
      if (downSince !== null) {
        const downMs = clock.now() - downSince;
        downSince = null;
        void audit.record({ actor: 'system', action: 'limits.redis_restored', outcome: 'success', targetType: 'redis', targetId: location, details: { down_ms: downMs } }).catch(() => undefined);
      }
      return;
    }
    if (state === 'unreachable' && downSince === null) {
      downSince = clock.now();
      const mode = settings.limitsFailClosed ? 'refusing rate-limited requests' : 'rate limits apply per instance';
      log.warn({ redis: location, error: link.lastError() }, `redis unreachable: ${mode} until it returns`);
      void audit
        .record({ actor: 'system', action: 'limits.redis_unreachable', outcome: 'failure', targetType: 'redis', targetId: location, details: { error: link.lastError(), fail_closed: settings.limitsFailClosed } })
        .catch(() => undefined);
    }
  }

  return {
    limits,
    redis: link,
    broadcast: bus
      ? {
          token: (id) => bus.publish({ kind: 'token', id }),
          project: (id) => bus.publish({ kind: 'project', id }),
          keyCooldown: (id, ms, code) => bus.publish({ kind: 'key_cooldown', id, ms, code }),
        }
      : undefined,
    listen(target, health) {
      gate = target;
      keyHealth = health ?? null;
    },
    async started() {
      if (!link) return;
      await link.settled(FIRST_CONNECT_WAIT_MS);
      if (link.state() !== 'ready') return;
      // Before serving: the decisions' socket connected and its script loaded (a first decision on a
      // cold connection misses the deadline), the other instances counted, the revocations subscribed.
      await withTimeout(readyThenWarm(link.decisions, settings.redisPrefix), FIRST_CONNECT_WAIT_MS);
      await withTimeout(instances!.refresh(), FIRST_CONNECT_WAIT_MS);
      if (bus) await withTimeout(bus.subscribed(), FIRST_CONNECT_WAIT_MS);
    },
    status() {
      return {
        configured: link !== null,
        state: link ? link.state() : 'off',
        location: link?.location ?? null,
        prefix: settings.redisPrefix,
        fail_closed: settings.limitsFailClosed,
        since: new Date(link ? link.since() : startedAt).toISOString(),
        local_decisions: limits.counters.fallbacks,
      };
    },
    readiness() {
      if (!link) return null;
      const state = link.state();
      // Fail-open: requests flow (limited per instance) without Redis, so the instance stays ready.
      return { ok: state === 'ready' || !settings.limitsFailClosed, check: state === 'ready' ? 'ok' : state };
    },
    async close() {
      await instances?.close();
      await bus?.close();
      await link?.close();
    },
  };
}

async function readyThenWarm(client: Redis, prefix: string): Promise<void> {
  if (client.status !== 'ready') await new Promise<void>((resolve) => client.once('ready', () => resolve()));
  await warmDecisions(client, prefix);
}

function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
    void promise.finally(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function errorCode(err: unknown): string {
  return (err as { code?: string })?.code ?? (err as Error)?.name ?? 'error';
}
