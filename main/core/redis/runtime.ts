// The one owner of an instance's Redis: it opens the connection, reports its health (logs, one audit row
// per outage: limits.redis_unreachable / limits.redis_restored), announces the instance, runs the
// revocation/invalidation bus, and closes it all. Limits, cache, events and key cool-downs borrow from
// it; none of them opens or closes a Redis connection of the instance's own.
import type { Logger } from 'pino';
import type { AuditLog } from '../audit/audit-log.ts';
import type { Clock } from '../clock.ts';
import type { Settings } from '../config/settings.ts';
import type { KeyHealth } from '../proxy/key-selector.ts';
import type { InvalidationBroadcast, TokenGate } from '../tokens/token-gate.ts';
import { connectRedis, type RedisLink, type RedisLinkState } from './connection.ts';
import { createInvalidationBus } from './invalidation.ts';
import { announceInstance, type LiveInstances } from './live-instances.ts';

/** How long startup waits for a first answer from Redis before it serves without it. */
export const FIRST_CONNECT_WAIT_MS = 2000;

export interface RedisRuntime {
  link: RedisLink;
  prefix: string;
  /** Instances on this Redis (announced every 5 s). */
  instances: LiveInstances;
  /** For the gate and key health: tells other instances about this one's revocations and cool-downs. */
  broadcast: InvalidationBroadcast;
  /** Lets other instances' revocations reach this gate, and their keys' cool-downs this key health. */
  listen(gate: Pick<TokenGate, 'invalidateToken' | 'invalidateProject'>, keyHealth?: Pick<KeyHealth, 'adoptCooldown'>): void;
  /** Resolves once Redis answered or refused (at most a couple of seconds): counted, subscribed. */
  started(): Promise<void>;
  close(): Promise<void>;
}

export type RedisSettings = Pick<Settings, 'redisUrl' | 'redisPrefix' | 'redisCommandTimeoutMs' | 'limitsFailClosed'>;

/** null without a Redis URL. */
export function startRedis(settings: RedisSettings, deps: { clock: Clock; log: Logger; audit: Pick<AuditLog, 'record'> }): RedisRuntime | null {
  if (!settings.redisUrl) return null;
  const { clock, log, audit } = deps;
  const prefix = settings.redisPrefix;
  const link = connectRedis({ url: settings.redisUrl, commandTimeoutMs: settings.redisCommandTimeoutMs, clock });
  const instances = announceInstance({ client: link.client, prefix, clock, ready: () => link.state() === 'ready' });
  let gate: Pick<TokenGate, 'invalidateToken' | 'invalidateProject'> | null = null;
  let keyHealth: Pick<KeyHealth, 'adoptCooldown'> | null = null;
  const bus = createInvalidationBus({
    link,
    prefix,
    onMessage: (message) => {
      if (message.kind === 'token') gate?.invalidateToken(message.id, 'peer');
      else if (message.kind === 'project') gate?.invalidateProject(message.id, 'peer');
      else if (message.kind === 'key_cooldown') keyHealth?.adoptCooldown(message.id, message.ms, message.code, clock.now());
    },
    onError: (err) => log.warn({ err: errorCode(err) }, 'redis revocation channel failed'),
  });

  let downSince: number | null = null;
  link.onChange((state: RedisLinkState, previous: RedisLinkState) => {
    const location = link.location;
    if (state === 'ready') {
      log.info(
        { redis: location, prefix },
        previous === 'connecting' ? 'redis connected: rate limits are shared' : 'redis restored: rate limits are shared again',
      );
      void instances.refresh();
      if (downSince !== null) {
        const downMs = clock.now() - downSince;
        downSince = null;
        void audit
          .record({
            actor: 'system',
            action: 'limits.redis_restored',
            outcome: 'success',
            targetType: 'redis',
            targetId: location,
            details: { down_ms: downMs },
          })
          .catch(() => undefined);
      }
      return;
    }
    if (state === 'unreachable' && downSince === null) {
      downSince = clock.now();
      const mode = settings.limitsFailClosed ? 'refusing rate-limited requests' : 'rate limits apply per instance';
      log.warn({ redis: location, error: link.lastError() }, `redis unreachable: ${mode} until it returns`);
      void audit
        .record({
          actor: 'system',
          action: 'limits.redis_unreachable',
          outcome: 'failure',
          targetType: 'redis',
          targetId: location,
          details: { error: link.lastError(), fail_closed: settings.limitsFailClosed },
        })
        .catch(() => undefined);
    }
  });

  return {
    link,
    prefix,
    instances,
    broadcast: {
      token: (id) => bus.publish({ kind: 'token', id }),
      project: (id) => bus.publish({ kind: 'project', id }),
      keyCooldown: (id, ms, code) => bus.publish({ kind: 'key_cooldown', id, ms, code }),
    },
    listen(target, health) {
      gate = target;
      keyHealth = health ?? null;
    },
    async started() {
      await link.settled(FIRST_CONNECT_WAIT_MS);
      if (link.state() !== 'ready') return;
      // Counted before serving (the limits' local share), subscribed so an early revocation is not missed.
      await withTimeout(instances.refresh(), FIRST_CONNECT_WAIT_MS);
      await withTimeout(bus.subscribed(), FIRST_CONNECT_WAIT_MS);
    },
    async close() {
      await instances.close();
      await bus.close();
      await link.close();
    },
  };
}

export function withTimeout(promise: Promise<unknown>, ms: number): Promise<void> {
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
