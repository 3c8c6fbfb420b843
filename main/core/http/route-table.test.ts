// Walks every route the running server has registered — REST, every rpc method, every stream, /metrics,
// /admin, /v1 — and knocks on each with the wrong credentials, cross-site, and through every spelling of
// its path that a router could read differently. A route added later is walked without anyone adding a
// test; a route that declares no door, or a new public one, fails here until it is looked at.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminMethods, adminSubscriptions } from '../api/contract.ts';
import { startMockUpstream, type MockUpstream } from '../testing/mock-upstream.ts';
import { startTestApp, type TestApp } from '../testing/test-app.ts';
import type { RouteEntry } from './doors.ts';

/** The only routes anyone may call without a credential. Adding one here is a security decision. */
const PUBLIC_ROUTES = ['/health', '/live', '/ready', '/admin', '/admin/*'];
const V1_SAMPLES = ['/v1/chat/completions', '/v1/models', '/v1/models/gpt-4o-mini', '/v1/embeddings', '/v1/messages', '/v1/files/file-1/content'];

let t: TestApp;
let upstream: MockUpstream;
let proxyToken: string;
let sample: Record<string, string>;
let port: number;

beforeAll(async () => {
  upstream = await startMockUpstream();
  t = await startTestApp();
  port = Number(new URL(t.url).port);
  const project = (await t.manage('POST', '/manage/projects', { name: 'walked', api_key: 'sk-route-table-test-key-1234', base_url: upstream.url })).json;
  const keys = (await t.manage('GET', `/manage/projects/${project.id}/keys`)).json;
  const token = (await t.manage('POST', '/manage/tokens', { project_id: project.id, duration_minutes: 60 })).json;
  proxyToken = token.token;
  sample = { id: project.id, keyId: keys[0].id, '*': 'index.html' };
});
afterAll(async () => {
  await t?.close();
  await upstream?.close();
});

interface Answer {
  status: number;
  body: string;
}

/** One request exactly as written (absolute-form targets too); a 2xx stream is cut after its headers. */
function send(method: string, target: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: target, headers: { host: `127.0.0.1:${port}`, ...headers }, setHost: false }, (res) => {
      if ((res.headers['content-type'] ?? '').includes('text/event-stream')) {
        res.destroy();
        return resolve({ status: res.statusCode ?? 0, body: '' });
      }
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The concrete paths a route answers: parameters filled in, every rpc method and stream spelled out. */
function pathsOf(route: RouteEntry): string[] {
  if (route.url === '/manage/rpc/:method') return adminMethods.map((m) => `/manage/rpc/${m}`);
  if (route.url === '/manage/stream/:name') return Object.keys(adminSubscriptions).map((s) => `/manage/stream/${s}`);
  if (route.url === '/v1/*') return V1_SAMPLES;
  return [route.url.replace(/:(\w+)|\*/g, (whole, name: string | undefined) => sample[name ?? whole]!)];
}

/** The same path spelled so that a router and a prefix check might disagree. */
function disguises(path: string): { name: string; target: string; expect: number[] }[] {
  const [first = '', ...rest] = path.slice(1).split('/');
  const tail = rest.length ? `/${rest.join('/')}` : '';
  const hex = (ch: string) => `%${ch.charCodeAt(0).toString(16)}`;
  const upper = (s: string) => s.replace(/(^|\/)(\w)/g, (_m, slash: string, ch: string) => slash + ch.toUpperCase());
  const list = [
    { name: '%6d-style letter', target: `/${hex(first[0]!)}${first.slice(1)}${tail}`, expect: [400] },
    { name: 'upper-case escape', target: `/${hex(first[0]!).toUpperCase()}${first.slice(1)}${tail}`, expect: [400] },
    { name: 'leading //', target: `/${path}`, expect: [400] },
    { name: '/./', target: `/.${path}`, expect: [400] },
    { name: '..', target: `/admin/..${path}`, expect: [400] },
    { name: '.. from /v1', target: `/v1/..${path}`, expect: [400] },
    { name: 'encoded ..', target: `/v1/%2e%2e${path}`, expect: [400] },
    { name: 'absolute-form', target: `http://127.0.0.1:${port}${path}`, expect: [400] },
    { name: 'mixed case', target: upper(path), expect: [401, 404] },
    { name: 'trailing slash', target: `${path}/`, expect: [401, 404] },
  ];
  if (tail) {
    list.push({ name: '%2F', target: `/${first}%2F${rest.join('/')}`, expect: [400] });
    list.push({ name: 'inner //', target: `/${first}/${tail}`, expect: [400] });
  }
  return list;
}

function expectRefused(answer: Answer, statuses: number[], what: string): void {
  expect(statuses, `${what} answered ${answer.status} ${answer.body.slice(0, 120)}`).toContain(answer.status);
  if (answer.body) expect(JSON.parse(answer.body), what).toHaveProperty(answer.status === 401 && what.startsWith('/v1') ? 'error.code' : 'code');
}

describe('the route table', () => {
  it('gives every route a door, opens only the known public ones, and sends only /v1 to the proxy', () => {
    const routes = t.app.routes;
    expect(routes.length).toBeGreaterThan(20);
    expect(routes.filter((r) => r.door === null)).toEqual([]);
    const publicOnes = [...new Set(routes.filter((r) => r.door === 'public').map((r) => r.url))].sort();
    expect(publicOnes).toEqual([...PUBLIC_ROUTES].sort());
    expect(routes.filter((r) => r.door === 'proxy').map((r) => r.url)).toEqual(['/v1/*']);
  });

  it('refuses every management route without the management token, in every disguise, and cross-site', async () => {
    const before = JSON.stringify([(await t.manage('GET', '/manage/projects')).json, (await t.manage('GET', '/manage/tokens')).json]);
    const walked = new Set<string>();
    for (const route of t.app.routes.filter((r) => r.door === 'management')) {
      const body = route.method === 'GET' || route.method === 'HEAD' || route.method === 'DELETE' ? undefined : '{}';
      const json: Record<string, string> = body ? { 'content-type': 'application/json' } : {};
      for (const path of pathsOf(route)) {
        walked.add(`${route.method} ${path}`);
        const knock = (target: string, headers: Record<string, string> = {}) => send(route.method, target, { ...json, ...headers }, body);
        const what = (how: string) => `${route.method} ${path} ${how}`;
        const head = route.method === 'HEAD';
        const refused = (a: Answer, statuses: number[], how: string) =>
          head ? expect(statuses, what(how)).toContain(a.status) : expectRefused(a, statuses, what(how));

        refused(await knock(path), [401], 'without credentials');
        refused(await knock(path, { authorization: `Bearer ${proxyToken}` }), [401], 'with a proxy token');
        refused(await knock(path, { 'x-api-key': t.managementToken }), [401], 'with the token in x-api-key');
        for (const name of ['token', 'access_token', 'management_token', 'key']) {
          refused(await knock(`${path}?${name}=${encodeURIComponent(t.managementToken)}`), [401], `with ?${name}=`);
        }
        refused(await knock(path, { cookie: `token=${t.managementToken}; management_token=${t.managementToken}` }), [401], 'with the token in a cookie');
        const signedIn = { authorization: `Bearer ${t.managementToken}` };
        refused(await knock(path, { ...signedIn, origin: 'http://evil.example' }), [403], 'from a cross-site Origin');
        refused(await knock(path, { ...signedIn, 'sec-fetch-site': 'cross-site' }), [403], 'with Sec-Fetch-Site: cross-site');
        refused(await knock(path, { ...signedIn, origin: 'null' }), [403], 'from an opaque Origin');
        for (const d of disguises(path)) refused(await knock(d.target), d.expect, `as ${d.name} (${d.target})`);
      }
    }
    // Every contract method and subscription was among them.
    for (const m of adminMethods) expect(walked).toContain(`POST /manage/rpc/${m}`);
    for (const s of Object.keys(adminSubscriptions)) expect(walked).toContain(`GET /manage/stream/${s}`);
    expect(walked).toContain('GET /metrics');
    // Nothing changed.
    expect(JSON.stringify([(await t.manage('GET', '/manage/projects')).json, (await t.manage('GET', '/manage/tokens')).json])).toBe(before);
  });

  it('refuses /v1 without a proxy token, with the management token, and through every disguise', async () => {
    for (const path of V1_SAMPLES) {
      const what = (how: string) => `${path} ${how}`;
      expectRefused(await send('POST', path, { 'content-type': 'application/json' }, '{"model":"gpt-4o-mini"}'), [401], what('without a token'));
      expectRefused(await send('POST', path, { authorization: `Bearer ${t.managementToken}` }, '{}'), [401], what('with the management token'));
      expectRefused(await send('POST', `${path}?api_key=${proxyToken}`, {}, '{}'), [401], what('with the token in the query'));
      expectRefused(await send('POST', path, { cookie: `token=${proxyToken}` }, '{}'), [401], what('with the token in a cookie'));
      for (const d of disguises(path)) {
        const a = await send('POST', d.target, { authorization: `Bearer ${proxyToken}`, 'content-type': 'application/json' }, '{"model":"gpt-4o-mini"}');
        // With a valid token a path the allow-list does not know is 403 endpoint_not_allowed.
        expect(d.expect.concat(403, 404), what(`as ${d.name} (${d.target}) answered ${a.status}`)).toContain(a.status);
      }
    }
    expect(upstream.received).toEqual([]);
  });

  it('answers the issue’s examples with 400, and creates nothing', async () => {
    expect((await send('GET', '/%6danage/projects')).status).toBe(400);
    const created = await send('POST', '/%6danage/projects', { 'content-type': 'application/json' }, JSON.stringify({ name: 'x', api_key: 'sk-xxxxxxxxxxxx' }));
    expect(created.status).toBe(400);
    expect(JSON.parse(created.body)).toMatchObject({ code: 'invalid_request_target' });
    expect((await send('GET', `http://127.0.0.1:${port}/manage/projects`)).status).toBe(400);
    expect((await t.manage('GET', '/manage/projects')).json.map((p: { name: string }) => p.name)).toEqual(['walked']);
  });

  it('keeps the public routes open and the legitimate spellings working', async () => {
    expect((await send('GET', '/health')).status).toBe(200);
    expect((await send('GET', '/ready')).status).toBe(200);
    expect((await send('GET', '/manage/projects', { authorization: `Bearer ${t.managementToken}` })).status).toBe(200);
    // The screens' own calls: same-origin fetches.
    const sameOrigin = {
      authorization: `Bearer ${t.managementToken}`,
      origin: `http://127.0.0.1:${port}`,
      'sec-fetch-site': 'same-origin',
      'content-type': 'application/json',
    };
    expect((await send('POST', '/manage/rpc/projects.list', sameOrigin, '{}')).status).toBe(200);
    const manage = await send('GET', '/manage/tokens?active_only=true', { authorization: `Bearer ${t.managementToken}` });
    expect(manage.status).toBe(200);
  });
});
