// The api module: which door it picks, how answers and errors come back, and where the token lives.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LlmProxyBridge } from './bridge.ts';
import { ApiError, HttpTransport, IpcTransport, api, currentTransport, onUnauthorized, selectTransport, setManagementToken, setTransport } from './index.ts';
import { fakeFetch, RpcFailure } from '../testing/fake-server.ts';

const INFO = { version: '1.2.3' };

function bridge(admin: Partial<LlmProxyBridge['admin']>): LlmProxyBridge {
  return { admin: admin as LlmProxyBridge['admin'] };
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('choosing the door', () => {
  it('uses IPC when the desktop shell exposed window.llmProxy', () => {
    const transport = selectTransport({ llmProxy: bridge({}), location: { origin: 'http://127.0.0.1:8484' } });
    expect(transport).toBeInstanceOf(IpcTransport);
    expect(transport.needsSignIn).toBe(false);
  });

  it('uses HTTP to the page’s own origin in a browser tab', () => {
    const transport = selectTransport({ location: { origin: 'http://10.0.0.5:9000' } });
    expect(transport).toBeInstanceOf(HttpTransport);
    expect((transport as HttpTransport).origin).toBe('http://10.0.0.5:9000');
    expect(transport.needsSignIn).toBe(true);
  });

  it('ignores a llmProxy that is not a bridge', () => {
    expect(selectTransport({ llmProxy: 'nope', location: { origin: 'http://x' } })).toBeInstanceOf(HttpTransport);
    expect(selectTransport({ llmProxy: { admin: null }, location: { origin: 'http://x' } })).toBeInstanceOf(HttpTransport);
  });
});

describe('HttpTransport', () => {
  it('posts the input to /manage/rpc/<method> with the bearer token, no cookies', async () => {
    const server = fakeFetch({ 'system.info': () => INFO });
    const transport = new HttpTransport({ origin: 'http://127.0.0.1:8484/', fetch: server.fetch });
    transport.setToken('mgmt-secret');
    await expect(transport.call('system.info', {})).resolves.toEqual(INFO);
    expect(server.calls).toEqual([
      {
        url: 'http://127.0.0.1:8484/manage/rpc/system.info',
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer mgmt-secret' },
        body: {},
        credentials: 'omit',
      },
    ]);
  });

  it('refuses to call before sign-in, without touching the network', async () => {
    const server = fakeFetch({});
    const transport = new HttpTransport({ origin: 'http://h', fetch: server.fetch });
    await expect(transport.call('projects.list', {})).rejects.toMatchObject({ code: 'unauthorized' });
    expect(server.calls).toHaveLength(0);
  });

  it('turns an error answer into an ApiError with code, message and field issues', async () => {
    const issues = [{ path: 'name', message: 'must not be empty' }];
    const server = fakeFetch({
      'projects.create': () => {
        throw new RpcFailure(400, { error: 'Invalid input: name: must not be empty', code: 'validation_failed', issues });
      },
    });
    const transport = new HttpTransport({ origin: 'http://h', fetch: server.fetch });
    transport.setToken('t');
    const error = await transport.call('projects.create', { name: '', api_key: 'k' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'validation_failed', message: 'Invalid input: name: must not be empty', issues, status: 400 });
  });

  it('copes with answers that are not ours (a proxy’s HTML 502, an empty 200)', async () => {
    const html = (async () => new Response('<html>Bad gateway</html>', { status: 502 })) as typeof fetch;
    const t1 = new HttpTransport({ origin: 'http://h', fetch: html });
    t1.setToken('t');
    await expect(t1.call('system.info', {})).rejects.toMatchObject({ code: 'server_error', status: 502, message: 'The server answered 502' });
    const empty = (async () => new Response('', { status: 200 })) as typeof fetch;
    const t2 = new HttpTransport({ origin: 'http://h', fetch: empty });
    t2.setToken('t');
    await expect(t2.call('system.info', {})).rejects.toMatchObject({ code: 'bad_response' });
  });

  it('says which server it cannot reach when the network fails', async () => {
    const down = (async () => {
      throw new TypeError('fetch failed');
    }) as typeof fetch;
    const transport = new HttpTransport({ origin: 'http://127.0.0.1:1', fetch: down });
    transport.setToken('t');
    await expect(transport.call('system.info', {})).rejects.toMatchObject({
      code: 'network_error',
      message: 'Cannot reach the LLM Proxy server at http://127.0.0.1:1',
    });
  });

  it('keeps the token in memory only: no storage, no cookie, not on the object’s enumerable state', async () => {
    const writes: string[] = [];
    const storage = { setItem: (k: string, v: string) => writes.push(`${k}=${v}`), getItem: () => null, removeItem: () => undefined };
    vi.stubGlobal('localStorage', storage);
    vi.stubGlobal('sessionStorage', storage);
    vi.stubGlobal('document', {
      set cookie(v: string) {
        writes.push(`cookie ${v}`);
      },
      get cookie() {
        return '';
      },
    });
    const server = fakeFetch({ 'system.info': () => INFO });
    const transport = new HttpTransport({ origin: 'http://h', fetch: server.fetch });
    transport.setToken('mgmt-secret-123');
    await transport.call('system.info', {});
    expect(writes).toEqual([]);
    expect(JSON.stringify(transport)).not.toContain('mgmt-secret-123');
    expect(Object.values(transport)).not.toContain('mgmt-secret-123');
    transport.setToken(null);
    expect(transport.hasToken).toBe(false);
  });
});

describe('IpcTransport', () => {
  it('unwraps { ok: true, value }', async () => {
    const transport = new IpcTransport(bridge({ 'system.info': async () => ({ ok: true, value: INFO as never }) }));
    await expect(transport.call('system.info', {})).resolves.toEqual(INFO);
  });

  it('turns { ok: false, error } into an ApiError', async () => {
    const transport = new IpcTransport(
      bridge({
        'tokens.revoke': async () => ({
          ok: false,
          error: { code: 'token_not_found', message: 'No token with id x', issues: [{ path: 'id', message: 'gone' }] },
        }),
      }),
    );
    await expect(transport.call('tokens.revoke', { id: 'x' })).rejects.toMatchObject({
      code: 'token_not_found',
      message: 'No token with id x',
      issues: [{ path: 'id', message: 'gone' }],
    });
  });

  it('reports a missing method and a thrown IPC error with a code', async () => {
    const transport = new IpcTransport(
      bridge({
        'projects.list': async () => {
          throw new Error('Error invoking remote method');
        },
      }),
    );
    await expect(transport.call('system.info', {})).rejects.toMatchObject({ code: 'not_found' });
    await expect(transport.call('projects.list', {})).rejects.toMatchObject({ code: 'ipc_failed', message: 'Error invoking remote method' });
  });
});

describe('the api object', () => {
  afterEach(() => setTransport(selectTransport({})));

  it('has one function per contract method and goes through the current transport', async () => {
    const server = fakeFetch({ 'system.info': () => INFO });
    setTransport(new HttpTransport({ origin: 'http://h', fetch: server.fetch }));
    setManagementToken('tok');
    expect(typeof api['tokens.create']).toBe('function');
    expect(Object.isFrozen(api)).toBe(true);
    await expect(api['system.info']({})).resolves.toEqual(INFO);
    expect(currentTransport().kind).toBe('http');
  });

  it('tells listeners when the server stops accepting the token', async () => {
    const server = fakeFetch({ 'projects.list': () => [] }, { token: 'right' });
    setTransport(new HttpTransport({ origin: 'http://h', fetch: server.fetch }));
    setManagementToken('wrong');
    const heard: string[] = [];
    const stop = onUnauthorized((error) => heard.push(error.code));
    await expect(api['projects.list']({})).rejects.toBeInstanceOf(ApiError);
    stop();
    await expect(api['projects.list']({})).rejects.toBeInstanceOf(ApiError);
    expect(heard).toEqual(['unauthorized']);
  });

  it('never asks the IPC door for a token', () => {
    setTransport(new IpcTransport(bridge({})));
    expect(() => setManagementToken('x')).not.toThrow();
    expect(currentTransport().needsSignIn).toBe(false);
  });
});
