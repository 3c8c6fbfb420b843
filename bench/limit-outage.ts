// Rate-limit decisions while Redis is out, in process (RequestLimits on a real Redis connection): how
// long one decision takes with Redis answering, down (a closed port), and stalled (a private
// redis-server under SIGSTOP: the one probe waits for the deadline, the others are decided locally
// while it is unanswered). The tests assert what is decided and that nothing waits for Redis
// (limits.redis.test.ts); these are the durations. Also runs alone: `npx tsx bench/limit-outage.ts`.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { systemClock } from '../main/core/clock.ts';
import { RequestLimits } from '../main/core/limits/request-limits.ts';
import type { ProjectLimits } from '../main/core/limits/policy.ts';
import { connectRedis, type RedisLink } from '../main/core/redis/connection.ts';
import { findRedis, freePort, hasRedisServer, startOwnRedis, uniquePrefix } from '../main/core/redis/test-redis.ts';
import type { TokenRow } from '../main/core/store/types.ts';
import { percentiles, type Percentiles } from './percentiles.ts';

/** The default `--redis-command-timeout-ms`: the longest a decision waits for Redis. */
const DEADLINE_MS = 50;

export interface OutageFigures {
  decisions: number;
  healthy: Percentiles | null;
  down: Percentiles;
  stalled: (Percentiles & { waited: number }) | null;
  skipped: string[];
}

const project: ProjectLimits = { defaultRpm: null, defaultTpm: null, sharedRpm: null, sharedTpm: null, sharedKey: 'bench' };
const token = (): TokenRow => ({
  id: `bench-${Math.random().toString(36).slice(2)}`,
  projectId: 'p',
  name: null,
  tokenHash: 'h',
  tokenLast4: 'abcd',
  expiresAt: Date.now() + 3_600_000,
  isActive: true,
  maxRequests: null,
  requestCount: 0,
  allowedModels: null,
  promptTokens: 0,
  completionTokens: 0,
  cacheHitCount: 0,
  createdAt: 0,
  updatedAt: 0,
  lastUsedAt: null,
  revokedAt: null,
  // Never reached: every decision pays for a full check.
  rpmLimit: 1_000_000_000,
  tpmLimit: null,
  maxConcurrent: null,
  maxBudgetUsd: null,
  spendNanos: 0,
});

async function link(url: string, connectTimeoutMs?: number): Promise<RedisLink> {
  const l = connectRedis({ url, commandTimeoutMs: DEADLINE_MS, clock: systemClock, ...(connectTimeoutMs ? { connectTimeoutMs } : {}) });
  await l.settled(2000);
  if (l.state() === 'ready' && l.decisions.status !== 'ready') await new Promise((resolve) => l.decisions.once('ready', resolve));
  return l;
}

function limitsOn(l: RedisLink): RequestLimits {
  return new RequestLimits({
    redis: { client: l.decisions, ready: () => l.decisions.status === 'ready' },
    decisionTimeoutMs: DEADLINE_MS,
    prefix: uniquePrefix('bench-outage'),
    failClosed: false,
  });
}

/** Milliseconds per decision, one at a time (a request's admission). */
async function time(limits: RequestLimits, n: number): Promise<number[]> {
  const t = token();
  const durations: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = process.hrtime.bigint();
    const decision = await limits.admit(t, project);
    durations.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (decision.ok) decision.ticket.finish(null);
  }
  return durations;
}

export async function measureLimitOutage(decisions = 2000): Promise<OutageFigures> {
  const skipped: string[] = [];
  const links: RedisLink[] = [];
  try {
    let healthy: Percentiles | null = null;
    const redis = await findRedis();
    if (redis.url) {
      const l = await link(redis.url);
      links.push(l);
      const limits = limitsOn(l);
      await time(limits, 200); // warm-up: script loaded, JIT
      healthy = percentiles(await time(limits, decisions));
    } else skipped.push(`healthy Redis: ${redis.reason}`);

    const down = await link(`redis://127.0.0.1:${await freePort()}`);
    links.push(down);
    const downFigures = percentiles(await time(limitsOn(down), decisions));

    let stalled: OutageFigures['stalled'] = null;
    if (hasRedisServer()) {
      const own = await startOwnRedis();
      try {
        const l = await link(own.url);
        links.push(l);
        const limits = limitsOn(l);
        await time(limits, 200);
        own.pause();
        const durations = await time(limits, decisions);
        stalled = { ...percentiles(durations), waited: durations.filter((ms) => ms >= DEADLINE_MS * 0.9).length };
      } finally {
        await own.stop();
      }
    } else skipped.push('stalled Redis: no redis-server binary');
    return { decisions, healthy, down: downFigures, stalled, skipped };
  } finally {
    for (const l of links) await l.close();
  }
}

export function printLimitOutage(f: OutageFigures): void {
  const ms = (n: number) => n.toFixed(3);
  const row = (label: string, p: Percentiles, extra = '') =>
    console.log(`  ${label.padEnd(34)} p50 ${ms(p.p50)} ms   p99 ${ms(p.p99)} ms   max ${ms(p.max)} ms${extra}`);
  if (f.healthy) row('Redis answering', f.healthy);
  row('Redis down (closed port)', f.down, f.healthy ? `   added p99 ${ms(f.down.p99 - f.healthy.p99)} ms` : '');
  if (f.stalled) {
    row('Redis stalled (SIGSTOP)', f.stalled, f.healthy ? `   added p99 ${ms(f.stalled.p99 - f.healthy.p99)} ms` : '');
    console.log(
      `  ${''.padEnd(34)} ${f.stalled.waited} of ${f.decisions} waited for the ${DEADLINE_MS} ms deadline (one probe at a time; the rest decided locally)`,
    );
  }
  for (const reason of f.skipped) console.log(`  (skipped ${reason})`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  printLimitOutage(await measureLimitOutage(Number(process.env.BENCH_OUTAGE_DECISIONS ?? 2000)));
}
