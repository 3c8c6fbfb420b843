// When the server goes away: the screens say offline, keep what they had (stale) instead of blanking it,
// and refresh it once the server answers the probe again.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HttpTransport, setTransport } from '../api/index.ts';
import { fakeFetch } from '../testing/fake-server.ts';
import { tokenView } from '../testing/views.ts';
import { PROBE_MS, useConnection } from './connection.ts';
import { refreshOnReconnect } from './reconnect.ts';
import { initialSession, useSession } from './session.ts';
import { useTokens } from './tokens.ts';

const MGMT = 'right-token';
const INFO = {
  version: '1.0.0',
  data_dir: '/d',
  listen_url: 'http://127.0.0.1:8484',
  admin_url: 'http://127.0.0.1:8484/admin',
  database: { kind: 'sqlite', location: '/d/db', schema_version: '0002' },
  started_at: '2025-01-01T00:00:00Z',
};

let down = false;
let refusing = false;
let tokens = [tokenView({ name: 'before' })];

beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
  down = false;
  refusing = false;
  tokens = [tokenView({ name: 'before' })];
  const server = fakeFetch({ 'system.info': () => INFO, 'tokens.list': () => tokens }, { token: MGMT });
  const flaky = (async (url: string | URL, init?: RequestInit) => {
    if (down) throw new TypeError('fetch failed');
    if (refusing) return new Response(JSON.stringify({ error: 'The store is unavailable', code: 'store_unavailable' }), { status: 503 });
    return server.fetch(url, init);
  }) as typeof fetch;
  setTransport(new HttpTransport({ origin: 'http://127.0.0.1:8484', fetch: flaky }));
  useSession.setState(initialSession());
  useConnection.getState().reset();
  useTokens.getState().reset();
  expect(await useSession.getState().signIn(MGMT)).toBe(true);
});

afterEach(() => {
  useConnection.getState().reset();
  vi.useRealTimers();
});

describe('connection', () => {
  it('keeps the loaded list when the server is unreachable, says offline, and refreshes on reconnect', async () => {
    const stop = refreshOnReconnect();
    await useTokens.getState().load();
    expect(useConnection.getState().online).toBe(true);

    down = true;
    tokens = [tokenView({ name: 'after' })];
    await useTokens.getState().load({ quiet: true });
    await useTokens.getState().load();
    expect(useConnection.getState()).toMatchObject({ online: false, error: { code: 'network_error' } });
    expect(useTokens.getState()).toMatchObject({ status: 'ready', error: null });
    expect(useTokens.getState().items.map((t) => t.name)).toEqual(['before']);

    // Still down at the first probe; back at the second, which refreshes the list without a click.
    await vi.advanceTimersByTimeAsync(PROBE_MS);
    expect(useConnection.getState().online).toBe(false);
    down = false;
    await vi.advanceTimersByTimeAsync(PROBE_MS);
    expect(useConnection.getState().online).toBe(true);
    await vi.waitFor(() => expect(useTokens.getState().items.map((t) => t.name)).toEqual(['after']));
    stop();
  });

  it('shows the error when there was nothing to keep', async () => {
    down = true;
    await useTokens.getState().load();
    expect(useTokens.getState()).toMatchObject({ status: 'error', error: { code: 'network_error' } });
    expect(useConnection.getState().online).toBe(false);
  });

  it('a refusal is an answer: the server is back even when it says no', async () => {
    down = true;
    await useTokens.getState().load();
    expect(useConnection.getState().online).toBe(false);
    down = false;
    refusing = true;
    await useTokens.getState().load();
    expect(useTokens.getState().error).toMatchObject({ code: 'store_unavailable', status: 503 });
    expect(useConnection.getState().online).toBe(true);
  });
});
