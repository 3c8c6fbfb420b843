import { afterEach, describe, expect, it } from 'vitest';
import { adminMethods } from '../core/api/contract.ts';
import type { AuditEntry } from '../core/audit/audit-log.ts';
import { createDispatch } from '../core/api/dispatch.ts';
import { createAuthorize } from '../core/api/authorize.ts';
import { ownerContext, type AdminHandlers } from '../core/api/handler-types.ts';
import { AppError } from '../core/errors.ts';
import { startTestApp, type TestApp } from '../core/testing/test-app.ts';
import { ipcChannel } from './ipc-channels.ts';
import { createIpcRouter, type IpcCaller } from './ipc-router.ts';
import { createProxyController } from './proxy-controller.ts';

const appPage: IpcCaller = { senderFrame: { url: 'app://llm-proxy/index.html#/tokens', parent: null } };
const PROJECT_ID = '0190a5b2-7c3d-7e4f-8a1b-2c3d4e5f6a7b';

/** The real one door (dispatch) over handlers that record their calls, as the app wires it. */
function routerWithFakeCore() {
  const calls: { method: string; input: unknown }[] = [];
  const changed: string[] = [];
  const unexpected: unknown[] = [];
  const audited: AuditEntry[] = [];
  const handlers = new Proxy({} as AdminHandlers, {
    get: (_t, method: string) => async (input: unknown) => {
      calls.push({ method, input });
      if (method === 'projects.get') throw new AppError('project_not_found', `No project with id ${PROJECT_ID}`);
      if (method === 'audit.get') throw new TypeError('boom: secret-ish internals');
      return { method };
    },
  });
  // The desktop is the local owner: every call passes the role check, no store lookup is needed.
  const authorize = createAuthorize({ store: {} as never, now: () => 0 });
  const dispatch = createDispatch({ handlers, audit: { record: async (entry: AuditEntry) => void audited.push(entry) } as never, authorize });
  const router = createIpcRouter({
    call: (method, input) => dispatch(method, input, ownerContext('desktop')),
    onChanged: (m) => changed.push(m),
    onUnexpectedError: (_channel, err) => unexpected.push(err),
  });
  return { router, calls, changed, unexpected, audited };
}

describe('IPC router', () => {
  it('has exactly one channel per contract method, named from the contract', () => {
    const { router } = routerWithFakeCore();
    expect([...router.channels].sort()).toEqual(adminMethods.map((m) => `app:${m}`).sort());
  });

  it('passes a valid call through and answers {ok, value}', async () => {
    const { router, calls, changed } = routerWithFakeCore();
    expect(await router.handle(ipcChannel('projects.list'), appPage, {})).toEqual({ ok: true, value: { method: 'projects.list' } });
    expect(await router.handle(ipcChannel('tokens.revoke'), appPage, { id: PROJECT_ID })).toEqual({ ok: true, value: { method: 'tokens.revoke' } });
    expect(calls.map((c) => c.method)).toEqual(['projects.list', 'tokens.revoke']);
    // Only changes refresh the tray.
    expect(changed).toEqual(['tokens.revoke']);
  });

  it.each([
    ['a string', 'drop table'],
    ['an array', [1, 2]],
    ['a number', 42],
    ['unknown fields', { id: PROJECT_ID, admin: true }],
    ['a wrong type', { project_id: PROJECT_ID, duration_minutes: '480' }],
    ['a missing field', { project_id: PROJECT_ID }],
    ['a prototype trick', JSON.parse('{"__proto__": {"polluted": true}, "project_id": "x", "duration_minutes": 1}')],
  ])('refuses %s with validation_failed, never calls the handler, and audits the failed change', async (_what, payload) => {
    const { router, calls, audited } = routerWithFakeCore();
    const result = await router.handle(ipcChannel('tokens.create'), appPage, payload);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('validation_failed');
    expect(calls).toEqual([]);
    expect(audited).toMatchObject([{ actor: 'desktop', action: 'tokens.create', outcome: 'failure', details: { code: 'validation_failed' } }]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('names the offending fields, never their values', async () => {
    const { router } = routerWithFakeCore();
    const result = await router.handle(ipcChannel('projects.create'), appPage, { name: '', api_key: 'sk secret with spaces' });
    expect(result).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    if (result.ok) return;
    expect(result.error.issues?.map((i) => i.path).sort()).toEqual(['api_key', 'name']);
    expect(JSON.stringify(result)).not.toContain('sk secret');
  });

  it.each([
    ['another site', { senderFrame: { url: 'https://evil.example/', parent: null } }],
    ['the local HTTP admin page', { senderFrame: { url: 'http://127.0.0.1:8484/admin/', parent: null } }],
    ['a file page', { senderFrame: { url: 'file:///tmp/x.html', parent: null } }],
    ['an iframe inside the app', { senderFrame: { url: 'app://llm-proxy/index.html', parent: {} } }],
    ['a destroyed frame', { senderFrame: null }],
    ['no event at all', undefined as unknown as IpcCaller],
  ])('refuses calls from %s', async (_what, caller) => {
    const { router, calls } = routerWithFakeCore();
    const result = await router.handle(ipcChannel('projects.list'), caller, {});
    expect(result).toEqual({ ok: false, error: { code: 'forbidden_sender', message: 'This call did not come from the LLM Proxy window.' } });
    expect(calls).toEqual([]);
  });

  it.each(['app:projects.delete', 'app:constructor', 'app:__proto__', 'projects.list', 'ipc:projects.list', ''])(
    'refuses the unknown channel %j',
    async (channel) => {
      const { router, calls } = routerWithFakeCore();
      const result = await router.handle(channel, appPage, {});
      expect(result).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
      expect(calls).toEqual([]);
    },
  );

  it('passes the core errors through with their code; hides unexpected ones', async () => {
    const { router, unexpected } = routerWithFakeCore();
    expect(await router.handle(ipcChannel('projects.get'), appPage, { id: PROJECT_ID })).toEqual({
      ok: false,
      error: { code: 'project_not_found', message: `No project with id ${PROJECT_ID}` },
    });
    expect(await router.handle(ipcChannel('audit.get'), appPage, { id: PROJECT_ID })).toEqual({
      ok: false,
      error: { code: 'internal_error', message: 'Internal error' },
    });
    expect(unexpected).toHaveLength(1);
  });
});

describe('IPC against the real core', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('project → token → revoke, and proxy_paused while paused', async () => {
    t = await startTestApp();
    const running = t.app;
    let started = 0;
    const controller = createProxyController({
      start: async () => {
        started++;
        return started === 1 ? running : (t = await startTestApp({ dataDir: t!.dataDir })).app;
      },
    });
    await controller.start();
    const router = createIpcRouter({ call: (method, input) => controller.call(method, input) });
    const ipc = async (method: Parameters<typeof ipcChannel>[0], input: unknown): Promise<any> => {
      const result = await router.handle(ipcChannel(method), appPage, input);
      if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
      return result.value;
    };

    const project = await ipc('projects.create', { name: 'Desktop', api_key: 'sk-test-upstream-key-9876' });
    expect(project.api_key).not.toContain('sk-test-upstream-key-9876');
    expect(project.api_key.endsWith('9876')).toBe(true);
    const token = await ipc('tokens.create', { project_id: project.id, duration_minutes: 60 });
    expect(token.token).toMatch(/^llmp_/);
    const revoked = await ipc('tokens.revoke', { id: token.id });
    expect(revoked.status).toBe('revoked');
    const listed = await ipc('tokens.list', { project_id: project.id });
    expect(listed[0].token).not.toBe(token.token);

    const audit = await ipc('audit.list', { action: 'token.revoke' });
    expect(audit.events[0]).toMatchObject({ actor: 'desktop', outcome: 'success' });

    await controller.pause();
    expect(await router.handle(ipcChannel('projects.list'), appPage, {})).toMatchObject({ ok: false, error: { code: 'proxy_paused' } });
    await controller.resume();
    expect((await ipc('projects.list', {})).map((p: { name: string }) => p.name)).toEqual(['Desktop']);
    await controller.stop();
  });
});
