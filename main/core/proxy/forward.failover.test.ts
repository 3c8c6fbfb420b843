// forward's one failover: a first attempt that fails because of its key is sent once more with the next
// key's headers — only before anything reached the client and only with a body that can be sent again.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KeyFailure } from './key-selector.ts';
import { closedPort, rawRequest, startHarness, type Harness } from './forward.fixtures.ts';

let h: Harness;
let ended: [number, KeyFailure | null][];

beforeEach(async () => {
  h = await startHarness();
  ended = [];
  // Two keys: attempt n carries key n.
  h.plan.prepareAttempt = (n) => (n < 2 ? { 'content-type': 'application/json', authorization: `Bearer key-${n}` } : null);
  h.plan.attemptEnded = (n, failure) => void ended.push([n, failure]);
});
afterEach(async () => {
  await h.close();
});

const json = { 'content-type': 'application/json' };

/** The first key's requests fail with `status`; the second key's succeed. */
function failFirstKey(status: number, headers: Record<string, string> = {}): void {
  h.upstream.handle = (req, res) => {
    if (req.headers.authorization === 'Bearer key-0') {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify({ error: { message: 'upstream says no', code: 'nope' } }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok: true, usage: { prompt_tokens: 1, completion_tokens: 1 } }));
  };
}

describe('forward failover', () => {
  it.each([401, 429, 500, 503])('retries a %i on the second key; the client sees only its answer', async (status) => {
    failFirstKey(status, status === 429 ? { 'retry-after': '7' } : {});
    const answer = await rawRequest(h.proxyPort, { path: '/v1/chat/completions', headers: json, body: '{"model":"m"}' });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ ok: true, usage: { prompt_tokens: 1, completion_tokens: 1 } });
    expect(h.seen.map((s) => s.headers.authorization)).toEqual(['Bearer key-0', 'Bearer key-1']);
    // The same body both times.
    expect(h.seen.map((s) => s.body)).toEqual(['{"model":"m"}', '{"model":"m"}']);
    expect(ended[0]).toEqual([0, { code: `status_${status}`, status, ...(status === 429 && { retryAfterMs: 7000 }) }]);
    expect(ended[1]).toEqual([1, null]);
    expect((await h.results.next()).attempts).toBe(2);
  });

  it('passes a 400 on as it is: the request, not the key, is at fault', async () => {
    failFirstKey(400);
    const answer = await rawRequest(h.proxyPort, { path: '/v1/chat/completions', headers: json, body: '{}' });
    expect(answer.status).toBe(400);
    expect(h.seen).toHaveLength(1);
    expect(ended).toEqual([[0, null]]);
  });

  it('answers the second failure when both keys fail (no third attempt)', async () => {
    h.upstream.handle = (_req, res) => {
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end('{"error":{"message":"busy"}}');
    };
    const answer = await rawRequest(h.proxyPort, { path: '/v1/chat/completions', headers: json, body: '{}' });
    expect(answer.status).toBe(503);
    expect(answer.body).toBe('{"error":{"message":"busy"}}');
    expect(h.seen).toHaveLength(2);
    expect(ended.map(([n, f]) => [n, f?.code])).toEqual([
      [0, 'status_503'],
      [1, 'status_503'],
    ]);
  });

  it('does not retry a streamed upload: its body cannot be sent twice', async () => {
    failFirstKey(500);
    const answer = await rawRequest(h.proxyPort, { path: '/v1/files', headers: { 'content-type': 'application/octet-stream' }, body: 'x'.repeat(1000) });
    expect(answer.status).toBe(500);
    expect(h.seen).toHaveLength(1);
    expect((await h.results.next()).attempts).toBe(1);
  });

  it('retries an unreachable upstream once, then answers 502', async () => {
    h.plan.origin = `http://127.0.0.1:${await closedPort()}`;
    const answer = await rawRequest(h.proxyPort, { path: '/v1/chat/completions', headers: json, body: '{}' });
    expect(answer.status).toBe(502);
    expect(JSON.parse(answer.body).error.code).toBe('upstream_unreachable');
    expect(ended).toEqual([
      [0, { code: 'upstream_unreachable' }],
      [1, { code: 'upstream_unreachable' }],
    ]);
  });

  it('does not retry a timeout: the provider may still be working on the request', async () => {
    h.plan.headersTimeoutMs = 200;
    h.upstream.handle = () => {}; // never answers
    const answer = await rawRequest(h.proxyPort, { path: '/v1/chat/completions', headers: json, body: '{}' });
    expect(answer.status).toBe(504);
    expect(h.seen).toHaveLength(1);
    expect(ended).toEqual([[0, null]]);
  });

  it('with one key there is nothing to retry on', async () => {
    h.plan.prepareAttempt = (n) => (n === 0 ? { 'content-type': 'application/json', authorization: 'Bearer key-0' } : null);
    failFirstKey(500);
    const answer = await rawRequest(h.proxyPort, { path: '/v1/chat/completions', headers: json, body: '{}' });
    expect(answer.status).toBe(500);
    expect(h.seen).toHaveLength(1);
  });
});
