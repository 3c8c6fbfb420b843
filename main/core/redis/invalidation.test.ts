// The revocation channel on a real Redis: messages from other instances arrive, this instance's own do
// not come back, and anything malformed on the channel is ignored.
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../clock.ts';
import { connectRedis, type RedisLink } from './connection.ts';
import { createInvalidationBus, invalidationChannel, type InvalidationBus, type InvalidationMessage } from './invalidation.ts';
import { findRedis, uniquePrefix } from './test-redis.ts';

const redis = await findRedis();
const open: { link: RedisLink; bus: InvalidationBus }[] = [];

afterEach(async () => {
  for (const { link, bus } of open.splice(0)) {
    await bus.close();
    await link.close();
  }
});

async function instance(prefix: string, received: InvalidationMessage[]) {
  const link = connectRedis({ url: redis.url!, commandTimeoutMs: 500, clock: systemClock });
  await link.settled(2000);
  const bus = createInvalidationBus({ link, prefix, onMessage: (message) => received.push(message) });
  await bus.subscribed();
  open.push({ link, bus });
  return { link, bus };
}

describe.skipIf(!redis.url)(`invalidation bus${redis.reason ? ` (skipped: ${redis.reason})` : ''}`, () => {
  it('carries revocations and key cool-downs to the other instances only; ignores what is not its own shape', async () => {
    const prefix = uniquePrefix('bus');
    const fromOne: InvalidationMessage[] = [];
    const fromTwo: InvalidationMessage[] = [];
    const one = await instance(prefix, fromOne);
    await instance(prefix, fromTwo);

    one.bus.publish({ kind: 'token', id: 't1' });
    one.bus.publish({ kind: 'key_cooldown', id: 'k1', ms: 30_000, code: 'status_429' });
    // Someone else on the channel, or a message from an older build.
    for (const text of [
      'not json',
      JSON.stringify({ kind: 'key_cooldown', id: 'k2', ms: -5, code: 'x', origin: 'o' }),
      JSON.stringify({ kind: 'drop_tables', id: 'x', origin: 'o' }),
    ]) {
      await one.link.client.publish(invalidationChannel(prefix), text);
    }
    one.bus.publish({ kind: 'project', id: 'p1' });

    await expect.poll(() => fromTwo.length).toBe(3);
    expect(fromTwo).toEqual([
      { kind: 'token', id: 't1' },
      { kind: 'key_cooldown', id: 'k1', ms: 30_000, code: 'status_429' },
      { kind: 'project', id: 'p1' },
    ]);
    expect(fromOne).toEqual([]);
  });
});
