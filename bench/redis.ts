// Redis for the benchmark: the one the tests use (127.0.0.1:6379 or LLM_PROXY_TEST_REDIS_URL), and
// its script-call counter, to show how many Redis calls one proxied request costs.
import { Redis } from 'ioredis';
import { findRedis, type RedisForTests } from '../main/core/redis/test-redis.ts';

export function redisForBench(): Promise<RedisForTests> {
  return findRedis();
}

/**
 * Script calls (EVALSHA + EVAL) the server has run: one per limiter decision. Redis also counts the
 * commands inside each script in its totals, so those would overstate the cost of a decision.
 */
export async function redisCommandsProcessed(url: string): Promise<number> {
  const client = new Redis(url, { maxRetriesPerRequest: 0 });
  try {
    const stats = await client.info('commandstats');
    const calls = (name: string) => Number(new RegExp(`cmdstat_${name}:calls=(\\d+)`).exec(stats)?.[1] ?? 0);
    return calls('evalsha') + calls('eval');
  } finally {
    client.disconnect();
  }
}
