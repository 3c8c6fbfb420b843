// Test support: finds a Redis for tests (the shared 127.0.0.1:6379, or a redis-server started for the
// run), and starts private redis-server processes that a test may kill, stall and restart.
// Never kills the shared Redis. Every test uses its own key prefix.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

export const SHARED_REDIS_URL = process.env.LLM_PROXY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export type RedisForTests = { url: string; reason: null } | { url: null; reason: string };

let found: Promise<RedisForTests> | null = null;

/** The Redis to test against, or why there is none (the caller skips with that reason). */
export function findRedis(): Promise<RedisForTests> {
  found ??= (async (): Promise<RedisForTests> => {
    if (await answers(SHARED_REDIS_URL)) return { url: SHARED_REDIS_URL, reason: null };
    if (!hasRedisServer()) return { url: null, reason: `no Redis answers at ${SHARED_REDIS_URL} and no redis-server binary is installed` };
    try {
      const own = await startOwnRedis();
      process.once('exit', () => own.process?.kill('SIGKILL'));
      return { url: own.url, reason: null };
    } catch (err) {
      return { url: null, reason: `no Redis answers at ${SHARED_REDIS_URL} and redis-server did not start: ${(err as Error).message}` };
    }
  })();
  return found;
}

export function hasRedisServer(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** A fresh prefix, so tests never see each other's keys. */
export function uniquePrefix(label = 'test'): string {
  return `llmp-${label}-${randomBytes(4).toString('hex')}:`;
}

async function answers(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 500, retryStrategy: () => null, maxRetriesPerRequest: 0, enableOfflineQueue: false });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface OwnRedis {
  url: string;
  port: number;
  process: ChildProcess | null;
  /** SIGKILL, and resolves once the process is gone. */
  kill(): Promise<void>;
  /** Starts again on the same port (empty: no persistence). */
  restart(): Promise<void>;
  /** SIGSTOP / SIGCONT: connected but silent. */
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

/** A private redis-server on a free port: no persistence, bound to loopback. */
export async function startOwnRedis(port?: number): Promise<OwnRedis> {
  const chosen = port ?? (await freePort());
  const own: OwnRedis = {
    url: `redis://127.0.0.1:${chosen}`,
    port: chosen,
    process: null,
    async kill() {
      const child = own.process;
      own.process = null;
      if (!child || child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    },
    async restart() {
      await own.kill();
      own.process = await launch(chosen);
    },
    pause() {
      own.process?.kill('SIGSTOP');
    },
    resume() {
      own.process?.kill('SIGCONT');
    },
    async stop() {
      own.resume();
      await own.kill();
    },
  };
  own.process = await launch(chosen);
  return own;
}

async function launch(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('Ready to accept connections')) {
        child.stdout!.off('data', onData);
        child.stdout!.resume();
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.resume();
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${out.slice(-500)}`)));
  });
  return child;
}
