// Revocations and deactivations travel to every instance on the same Redis (pub/sub), so a token
// revoked on one instance is refused by all of them within a second, whatever their cache TTL; so do
// upstream keys' cool-downs, so a key that failed on one instance is rested by all of them.
// Best effort by design: while Redis is away a message is lost, and the validation cache's TTL
// (tokenCacheTtlMs) is what bounds how long another instance may still admit the token.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RedisLink } from './connection.ts';

export type InvalidationMessage =
  | { kind: 'token' | 'project'; id: string }
  /** An upstream key went into a cool-down of `ms` from now (relative: instances' clocks may differ). */
  | { kind: 'key_cooldown'; id: string; ms: number; code: string };

export interface InvalidationBus {
  publish(message: InvalidationMessage): void;
  /** Resolves once the channel is subscribed (tests, startup). */
  subscribed(): Promise<void>;
  close(): Promise<void>;
}

export function invalidationChannel(prefix: string): string {
  return `${prefix}invalidate`;
}

export function createInvalidationBus(deps: {
  link: RedisLink;
  prefix: string;
  /** Called for messages from other instances (this instance already acted on its own). */
  onMessage: (message: InvalidationMessage) => void;
  onError?: (err: unknown) => void;
}): InvalidationBus {
  const channel = invalidationChannel(deps.prefix);
  const origin = randomUUID();
  const sub: Redis = deps.link.subscriber();
  sub.on('message', (from: string, text: string) => {
    if (from !== channel) return;
    const message = parse(text);
    if (message && message.origin !== origin) {
      const { origin: _from, ...rest } = message;
      deps.onMessage(rest);
    }
  });
  const subscribing = sub.subscribe(channel).then(
    () => undefined,
    (err: unknown) => deps.onError?.(err),
  );

  return {
    publish(message) {
      if (deps.link.state() !== 'ready') return;
      deps.link.client.publish(channel, JSON.stringify({ ...message, origin })).catch((err: unknown) => deps.onError?.(err));
    },
    subscribed: () => subscribing,
    async close() {
      sub.disconnect();
    },
  };
}

function parse(text: string): (InvalidationMessage & { origin: string }) | null {
  try {
    const value = JSON.parse(text) as Record<string, unknown>;
    if (typeof value.id !== 'string' || typeof value.origin !== 'string' || value.id.length > 100) return null;
    if (value.kind === 'token' || value.kind === 'project') return { kind: value.kind, id: value.id, origin: value.origin };
    if (
      value.kind === 'key_cooldown' &&
      typeof value.ms === 'number' &&
      Number.isFinite(value.ms) &&
      value.ms > 0 &&
      typeof value.code === 'string' &&
      value.code.length <= 50
    ) {
      return { kind: 'key_cooldown', id: value.id, ms: value.ms, code: value.code, origin: value.origin };
    }
  } catch {
    // Not ours: someone else publishing on the channel.
  }
  return null;
}
