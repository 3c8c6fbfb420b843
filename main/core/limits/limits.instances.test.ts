// Several instances as separate `llm-proxy serve` processes sharing Redis: one budget across all of them,
// revocations broadcast, an outage handled by local limits and the shared limit back after it.
// The processes get a 1 s Redis command timeout: on a loaded test machine a 50 ms timeout can fire
// spuriously and hand a decision to the local limiter, which these exact counts would see. An outage is
// detected from the closed connection, never by waiting out that timeout: the outage test sets the
// timeout out of reach (60 s), so a request that waited for it would not be answered before the test's
// own timeout; a stalled Redis and the default timeout are covered in process by limits.redis.test.ts.
// How long such decisions take is a bench figure (`npm run bench`), not asserted here.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { findRedis, hasRedisServer, startOwnRedis, uniquePrefix, type OwnRedis } from '../redis/test-redis.ts';
import { startMockUpstream, type MockUpstream } from '../testing/mock-upstream.ts';
import { startServeProcess, type ServeProcess } from '../testing/serve-process.ts';

const redis = await findRedis();
const UPSTREAM_KEY = 'sk-proj-shared-by-the-team-0123456789abcdef';
const MGMT = 'instances-test-management-token-0123456789';
const TIMEOUT = 60_000;

let upstream: MockUpstream;
beforeAll(async () => {
  upstream = await startMockUpstream();
});
afterAll(async () => {
  await upstream?.close();
});

function tempDataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmp-instances-'));
  onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function serve(dataDir: string, redisUrl: string, prefix: string, commandTimeoutMs = 1000): Promise<ServeProcess> {
  const server = await startServeProcess({
    dataDir,
    managementToken: MGMT,
    args: ['--redis-url', redisUrl, '--redis-prefix', prefix, '--redis-command-timeout-ms', String(commandTimeoutMs)],
  });
  onTestFinished(() => server.stop());
  return server;
}

async function createProject(server: ServeProcess, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await server.manage('POST', '/manage/projects', { name: `p-${Math.random()}`, api_key: UPSTREAM_KEY, base_url: upstream.url, ...extra });
  expect(res.status).toBe(201);
  return res.json.id as string;
}

async function mint(server: ServeProcess, projectId: string, extra: Record<string, unknown> = {}): Promise<{ id: string; token: string }> {
  const res = await server.manage('POST', '/manage/tokens', { project_id: projectId, duration_minutes: 60, ...extra });
  expect(res.status).toBe(201);
  return res.json;
}

async function call(server: ServeProcess, token: string): Promise<{ status: number; code: string | null }> {
  const res = await fetch(`${server.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
  });
  const body = (await res.json()) as { error?: { code?: string } };
  return { status: res.status, code: body.error?.code ?? null };
}

/** `n` requests at once, alternating between the servers. */
async function spread(servers: ServeProcess[], n: number, tokenFor: (server: ServeProcess) => string) {
  return Promise.all(Array.from({ length: n }, (_, i) => call(servers[i % servers.length]!, tokenFor(servers[i % servers.length]!))));
}

/** Rate-limit decisions this instance made locally (Redis not answering), from system.info. */
async function localDecisions(server: ServeProcess): Promise<number> {
  const res = await server.manage('POST', '/manage/rpc/system.info', {});
  expect(res.status).toBe(200);
  return res.json.value.redis.local_decisions as number;
}

/**
 * Calls until the answer is no longer 200; fails if it still is after `attempts` calls. Each call is a
 * full request through B, so this waits for B to hear of the change, without a clock.
 */
async function untilRefused(server: ServeProcess, token: string, attempts = 300) {
  let answer = await call(server, token);
  for (let i = 1; i < attempts && answer.status === 200; i++) answer = await call(server, token);
  return answer;
}

const count = (results: { status: number }[], status: number) => results.filter((r) => r.status === status).length;
const restored = (line: Record<string, unknown>) => String(line.msg).startsWith('redis restored');
const unreachable = (line: Record<string, unknown>) => String(line.msg).startsWith('redis unreachable');

describe.skipIf(!redis.url)(`instances sharing Redis${redis.url ? '' : ` (skipped: ${redis.reason})`}`, () => {
  const url = redis.url!;

  describe('two processes on one data folder', () => {
    let a: ServeProcess;
    let b: ServeProcess;
    let projectId: string;
    beforeAll(async () => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmp-instances-'));
      const prefix = uniquePrefix('pair');
      // A long validation cache: only the Redis broadcast can make B notice a revocation in time.
      const extra = ['--token-cache-ttl-ms', '600000'];
      a = await startServeProcess({
        dataDir,
        managementToken: MGMT,
        args: ['--redis-url', url, '--redis-prefix', prefix, '--redis-command-timeout-ms', '1000', ...extra],
      });
      b = await startServeProcess({
        dataDir,
        managementToken: MGMT,
        args: ['--redis-url', url, '--redis-prefix', prefix, '--redis-command-timeout-ms', '1000', ...extra],
      });
      projectId = await createProject(a);
      return async () => {
        await Promise.all([a.stop(), b.stop()]);
        fs.rmSync(dataDir, { recursive: true, force: true });
      };
    }, TIMEOUT);

    it('rpm_limit 10: 30 requests spread over both give exactly 10 successes', async () => {
      const { token } = await mint(a, projectId, { rpm_limit: 10 });
      const results = await spread([a, b], 30, () => token);
      expect(count(results, 200)).toBe(10);
      expect(count(results, 429)).toBe(20);
      expect(results.filter((r) => r.status === 429).every((r) => r.code === 'rate_limited')).toBe(true);
      expect(((await (await fetch(`${b.url}/ready`)).json()) as { checks: unknown }).checks).toMatchObject({ redis: 'ok' });
    });

    // B caches the token for 10 minutes: only A's broadcast through Redis can make B refuse it now.
    it('a token revoked on A is refused on B, long before its cached copy expires', async () => {
      const { id, token } = await mint(a, projectId);
      expect((await call(b, token)).status).toBe(200); // B has it cached now, for 10 minutes
      expect((await a.manage('DELETE', `/manage/tokens/${id}`)).status).toBe(204);
      expect(await untilRefused(b, token)).toMatchObject({ status: 401, code: 'token_revoked' });
    });

    it('a project deactivated on A is refused on B, long before its cached copy expires', async () => {
      const otherProject = await createProject(a);
      const { token } = await mint(a, otherProject);
      expect((await call(b, token)).status).toBe(200);
      expect((await a.manage('PATCH', `/manage/projects/${otherProject}`, { is_active: false })).status).toBe(200);
      expect(await untilRefused(b, token)).toMatchObject({ status: 403, code: 'project_inactive' });
    });
  });

  it(
    'two processes with separate data folders and the same upstream key share a limit of 10/min: exactly 10 of 30',
    async () => {
      const prefix = uniquePrefix('team');
      const [a, b] = await Promise.all([serve(tempDataDir(), url, prefix), serve(tempDataDir(), url, prefix)]);
      // Each teammate's own project and token; nothing in common but the upstream key and Redis.
      const [tokenA, tokenB] = await Promise.all(
        [a, b].map(async (server) => (await mint(server, await createProject(server, { shared_rpm_limit: 10 }))).token),
      );
      const results = await spread([a, b], 30, (server) => (server === a ? tokenA! : tokenB!));
      expect(count(results, 200)).toBe(10);
      expect(count(results, 429)).toBe(20);
      // A different key on the same Redis has its own budget.
      const other = await mint(a, await createProject(a, { api_key: 'sk-proj-someone-else-entirely-9876543210', shared_rpm_limit: 10 }));
      expect((await call(a, other.token)).status).toBe(200);
    },
    TIMEOUT,
  );
});

describe.skipIf(!hasRedisServer())('Redis killed mid-run (a private redis-server)', () => {
  it(
    'no 5xx and no request waits for Redis; each instance grants its share of what Redis left; shared again after the restart',
    async () => {
      const own: OwnRedis = await startOwnRedis();
      onTestFinished(() => own.stop());
      const dataDir = tempDataDir();
      const prefix = uniquePrefix('outage');
      // A command timeout out of reach: a request that waited for Redis would not be answered in time.
      const a = await serve(dataDir, own.url, prefix, 60_000);
      const b = await serve(dataDir, own.url, prefix, 60_000);
      const projectId = await createProject(a);
      const { token } = await mint(a, projectId, { rpm_limit: 10 });

      // Shared: 6 of the 10 used, one at a time, all decided by Redis.
      const before = [];
      for (let i = 0; i < 6; i++) before.push(await call(i % 2 ? b : a, token));
      expect(before.every((r) => r.status === 200)).toBe(true);
      expect((await localDecisions(a)) + (await localDecisions(b))).toBe(0);

      await own.kill();
      // Straight on, while the instances may not have noticed yet: 12 more per instance.
      const during = [];
      for (let i = 0; i < 24; i++) during.push(await call(i % 2 ? b : a, token));
      expect(during.filter((r) => r.status >= 500)).toEqual([]);
      // Every one of them was decided here, none by (or after waiting for) Redis.
      expect((await localDecisions(a)) + (await localDecisions(b))).toBe(24);
      // Local limits: each instance its share of the two announced in Redis (⌈10 / 2⌉ = 5), and no more
      // than the last count Redis gave it left: A saw 5 (→ 5), B saw 6 (→ 4).
      expect(count(during, 200)).toBe(9);
      expect(count(during, 429)).toBe(15);
      await Promise.all([a.waitForLog(unreachable), b.waitForLog(unreachable)]);
      const ready = await fetch(`${a.url}/ready`);
      expect(ready.status).toBe(200);
      expect(((await ready.json()) as { checks: unknown }).checks).toMatchObject({ redis: 'unreachable' });

      await own.restart();
      await Promise.all([a.waitForLog(restored), b.waitForLog(restored)]);
      const fresh = await mint(a, projectId, { rpm_limit: 10 });
      const after = await spread([a, b], 30, () => fresh.token);
      expect(count(after, 200)).toBe(10);
      expect(count(after, 429)).toBe(20);

      // One audit row per outage and per instance, not one per failed reconnection attempt.
      const down = await a.manage('GET', '/manage/audit?action=limits.redis_unreachable');
      const back = await a.manage('GET', '/manage/audit?action=limits.redis_restored');
      expect(down.json.pagination.total_count).toBe(2);
      expect(back.json.pagination.total_count).toBe(2);
      expect(down.json.events[0]).toMatchObject({ actor: 'system', outcome: 'failure', target_type: 'redis', target_id: `127.0.0.1:${own.port}` });
    },
    TIMEOUT,
  );
});
