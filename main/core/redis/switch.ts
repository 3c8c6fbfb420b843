// The instance's Redis can change while it runs (PATCH /manage/settings): the switch owns whichever
// RedisRuntime is current and moves its borrowers over. Borrowers register a follow step; a change
// starts the new runtime (tested first), lets every borrower follow it, then closes the old one, so no
// request ever sees a closed connection. The gate and key health hold the switch's broadcast, which
// always goes to the current runtime.
import type { Logger } from 'pino';
import type { AuditLog } from '../audit/audit-log.ts';
import type { Clock } from '../clock.ts';
import { AppError } from '../errors.ts';
import type { KeyHealth } from '../proxy/key-selector.ts';
import type { InvalidationBroadcast, TokenGate } from '../tokens/token-gate.ts';
import { probeRedis } from './probe.ts';
import { startRedis, type RedisRuntime, type RedisSettings } from './runtime.ts';

/** Longest wait for a new Redis URL to connect and answer PING before the change is refused. */
export const PROBE_DEADLINE_MS = 3000;

export type FollowRedis = (next: RedisRuntime | null) => void | Promise<void>;

export interface RedisSwitch {
  current(): RedisRuntime | null;
  /** For the gate and key health: tells the current Redis (if any) about this instance's revocations and cool-downs. */
  readonly broadcast: InvalidationBroadcast;
  /** Lets other instances' revocations and cool-downs reach this gate and key health, on every Redis to come. */
  listen(gate: Pick<TokenGate, 'invalidateToken' | 'invalidateProject'>, keyHealth: Pick<KeyHealth, 'adoptCooldown'>): void;
  /** Called with each new runtime (null: no Redis), in registration order, before the old one closes. */
  follow(step: FollowRedis): void;
  /**
   * Moves the instance to `settings.redisUrl` (none: per-instance limits, memory cache). A URL is tested
   * first: connect + PING within PROBE_DEADLINE_MS, else AppError('redis_connect_failed') and nothing changes.
   */
  replace(settings: RedisSettings): Promise<void>;
  close(): Promise<void>;
}

export function createRedisSwitch(
  initial: RedisSettings,
  deps: { clock: Clock; log: Logger; audit: Pick<AuditLog, 'record'>; probeDeadlineMs?: number },
): RedisSwitch {
  let current = startRedis(initial, deps);
  let listeners: { gate: Pick<TokenGate, 'invalidateToken' | 'invalidateProject'>; keyHealth: Pick<KeyHealth, 'adoptCooldown'> } | null = null;
  const steps: FollowRedis[] = [];

  return {
    current: () => current,
    broadcast: {
      token: (id) => current?.broadcast.token(id),
      project: (id) => current?.broadcast.project(id),
      keyCooldown: (id, ms, code) => current?.broadcast.keyCooldown(id, ms, code),
    },
    listen(gate, keyHealth) {
      listeners = { gate, keyHealth };
      current?.listen(gate, keyHealth);
    },
    follow(step) {
      steps.push(step);
    },
    async replace(settings) {
      if (settings.redisUrl) {
        const probe = await probeRedis(settings.redisUrl, deps.probeDeadlineMs ?? PROBE_DEADLINE_MS);
        if (!probe.ok) {
          throw new AppError(
            'redis_connect_failed',
            `Redis at ${probe.location} did not answer PING within ${(deps.probeDeadlineMs ?? PROBE_DEADLINE_MS) / 1000} s (${probe.reason}); nothing was changed`,
          );
        }
      }
      const previous = current;
      const next = startRedis(settings, deps);
      if (next) {
        // The runtime's own connection must be up too (a busy machine can be slower than the probe's).
        if (!(await readyWithin(next, deps.probeDeadlineMs ?? PROBE_DEADLINE_MS))) {
          await next.close();
          throw new AppError(
            'redis_connect_failed',
            `Redis at ${next.link.location} did not stay connected (${next.link.lastError() ?? 'no answer'}); nothing was changed`,
          );
        }
        if (listeners) next.listen(listeners.gate, listeners.keyHealth);
        await next.started();
      }
      current = next;
      try {
        for (const step of steps) await step(next);
      } finally {
        await previous?.close().catch(() => undefined);
      }
      deps.log.info(
        { redis: next?.link.location ?? null, prefix: settings.redisPrefix },
        next ? 'redis changed: limits, cache, revocations and events moved' : 'redis turned off: limits and cache are per instance',
      );
    },
    async close() {
      await current?.close();
    },
  };
}

function readyWithin(runtime: RedisRuntime, ms: number): Promise<boolean> {
  if (runtime.link.state() === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(runtime.link.state() === 'ready'), ms);
    timer.unref();
    runtime.link.onChange((state) => {
      if (state !== 'ready') return;
      clearTimeout(timer);
      resolve(true);
    });
  });
}
