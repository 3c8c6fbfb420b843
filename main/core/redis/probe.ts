// Tests a Redis URL before the instance moves to it: connect and PING within a deadline, on a throwaway
// connection that never retries, so a wrong URL is refused with a reason and nothing else changes.
import { Redis } from 'ioredis';
import { locationOf } from './connection.ts';

export type RedisProbeResult = { ok: true; location: string } | { ok: false; location: string; reason: string };

export async function probeRedis(url: string, deadlineMs: number): Promise<RedisProbeResult> {
  const location = locationOf(url);
  const client = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: deadlineMs,
    commandTimeout: deadlineMs,
    connectionName: 'llm-proxy-probe',
  });
  let lastError: string | null = null;
  client.on('error', (err: Error & { code?: string }) => {
    lastError = err.code ?? err.name;
  });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })), deadlineMs);
  });
  try {
    await Promise.race([client.connect().then(() => client.ping()), deadline]);
    return { ok: true, location };
  } catch (err) {
    return { ok: false, location, reason: reasonOf(err, lastError) };
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}

/** An error code or Redis's own first word (NOAUTH, WRONGPASS…), never the URL. */
function reasonOf(err: unknown, lastError: string | null): string {
  const code = (err as { code?: unknown })?.code;
  if (typeof code === 'string') return code;
  const message = err instanceof Error ? err.message : '';
  const word = message.split(/[\s:]/)[0] ?? '';
  if (/^[A-Z]{3,}$/.test(word)) return word;
  return lastError ?? 'no answer';
}
