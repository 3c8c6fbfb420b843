import { describe, expect, it } from 'vitest';
import type { CacheStatsView } from '../core/api/views.ts';
import { at, fakeManagementServer, MGMT, PROJECT_ID, run, sampleProject, type FakeServer } from './test-support.ts';

/** `cache purge` names its server with --server: --url is the URL to purge. */
const to = (server: FakeServer) => ['--server', server.url, '--management-token', MGMT];

const stats: CacheStatsView = {
  store: 'memory',
  entries: 3,
  bytes: 5120,
  max_bytes: 67_108_864,
  max_object_bytes: 1_048_576,
  default_ttl_seconds: 0,
  hits: 9,
  misses: 3,
  bypasses: 4,
  stored: 3,
  hit_rate: 0.75,
  since: '2024-12-31T23:00:00.000Z',
  partial: false,
  top_endpoints: [{ method: 'POST', path: '/v1/embeddings', entries: 3, bytes: 5120, hits: 9 }],
};

describe('cache purge', () => {
  it.each([
    [['--all'], { all: true }, 'Purged 4 cached answers (everything).'],
    [['--project', PROJECT_ID], { project_id: PROJECT_ID }, `Purged 4 cached answers (all URLs in project ${PROJECT_ID}).`],
    [['--prefix', '/v1/embeddings'], { prefix: '/v1/embeddings' }, 'Purged 4 cached answers (URLs starting with /v1/embeddings).'],
    [
      ['--method', 'post', '--url', '/v1/chat/completions'],
      { method: 'POST', url: '/v1/chat/completions' },
      'Purged 4 cached answers (POST /v1/chat/completions).',
    ],
  ])('%j sends %j to POST /manage/cache/purge', async (flags, body, line) => {
    const server = await fakeManagementServer({ 'POST /manage/cache/purge': { body: { deleted: 4 } } });
    const result = await run(['cache', 'purge', ...flags, ...to(server)]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(server.only()).toMatchObject({ method: 'POST', pathname: '/manage/cache/purge', body });
    expect(result.stdout).toBe(`${line}\n`);
  });

  it('prints the JSON answer with --json', async () => {
    const server = await fakeManagementServer({ 'POST /manage/cache/purge': { body: { deleted: 1 } } });
    const result = await run(['cache', 'purge', '--all', '--json', ...to(server)]);
    expect(JSON.parse(result.stdout)).toEqual({ deleted: 1 });
  });

  it.each([
    [[]],
    [['--method', 'POST']],
    [['--url', '/v1/x']],
    [['--all', '--project', PROJECT_ID]],
    [['--prefix', '/v1', '--method', 'GET', '--url', '/v1/models']],
    [['--method', 'PUT', '--url', '/x']],
  ])('refuses %j as a usage error without calling the server', async (flags) => {
    const server = await fakeManagementServer({});
    const result = await run(['cache', 'purge', ...flags, ...to(server)]);
    expect(result.code).toBe(2);
    expect(server.requests).toHaveLength(0);
  });

  it("shows the server's validation error", async () => {
    const server = await fakeManagementServer({
      'POST /manage/cache/purge': { status: 404, body: { error: `No project with id ${PROJECT_ID}`, code: 'project_not_found' } },
    });
    const result = await run(['cache', 'purge', '--project', PROJECT_ID, ...to(server)]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('(project_not_found)');
  });
});

describe('cache stats', () => {
  it('prints the store, size, hit rate and top endpoints', async () => {
    const server = await fakeManagementServer({ 'GET /manage/cache/stats': { body: stats } });
    const result = await run(['cache', 'stats', ...at(server)]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Store\s+│ memory \(this instance\)/);
    expect(result.stdout).toMatch(/Size\s+│ 5\.0 KiB of 64\.0 MiB/);
    expect(result.stdout).toMatch(/Hit rate\s+│ 75\.0 % \(9 hits, 3 misses, 4 not cacheable\)/);
    expect(result.stdout).toMatch(/POST \/v1\/embeddings\s+│ 3\s+│ 5\.0 KiB\s+│ 9/);
    const json = await run(['cache', 'stats', '--json', ...at(server)]);
    expect(JSON.parse(json.stdout)).toEqual(stats);
  });
});

describe('project cache settings', () => {
  it('sets the default TTL and per-token answers, and shows them', async () => {
    const server = await fakeManagementServer({
      [`PATCH /manage/projects/${PROJECT_ID}`]: { body: sampleProject({ cache_default_ttl_seconds: 300, cache_shared_across_tokens: false }) },
    });
    const result = await run(['project', 'update', PROJECT_ID, '--cache-ttl', '300', '--cache-per-token', ...at(server)]);
    expect(result.code).toBe(0);
    expect(server.only().body).toEqual({ cache_default_ttl_seconds: 300, cache_shared_across_tokens: false });
    expect(result.stdout).toMatch(/Cache\s+│ POST answers 300 s without opt-in, per token/);
  });

  it('goes back to the server default with --cache-ttl default, and refuses both sharing flags', async () => {
    const server = await fakeManagementServer({ [`PATCH /manage/projects/${PROJECT_ID}`]: { body: sampleProject() } });
    expect((await run(['project', 'update', PROJECT_ID, '--cache-ttl', 'default', '--cache-shared', ...at(server)])).code).toBe(0);
    expect(server.only().body).toEqual({ cache_default_ttl_seconds: null, cache_shared_across_tokens: true });
    expect((await run(['project', 'update', PROJECT_ID, '--cache-per-token', '--cache-shared', ...at(server)])).code).toBe(2);
    expect((await run(['project', 'update', PROJECT_ID, '--cache-ttl', '-1', ...at(server)])).code).toBe(2);
  });
});
