import { describe, expect, it } from 'vitest';
import { createProxyController, type ProxyApp } from './proxy-controller.ts';
import type { TrayState } from './tray-menu.ts';
import { createTrayStatus } from './tray-status.ts';

/** A core stand-in whose answers the test changes between refreshes. */
function fakeCore() {
  const data = {
    requestsToday: 3,
    projects: [
      { id: 'a', name: 'Active', is_active: true },
      { id: 'b', name: 'Off', is_active: false },
    ],
    redis: { configured: true, state: 'ready' } as Record<string, unknown> | undefined,
    failNext: false,
  };
  const app: ProxyApp = {
    url: 'http://127.0.0.1:9100',
    adminUrl: 'http://127.0.0.1:9100/admin',
    call: (async (method: string) => {
      if (data.failNext) throw new Error('store hiccup');
      if (method === 'dashboard.summary') return { requests_today: data.requestsToday };
      if (method === 'projects.list') return data.projects;
      if (method === 'system.info') return data.redis ? { redis: data.redis } : {};
      throw new Error(`unexpected ${method}`);
    }) as unknown as ProxyApp['call'],
    close: async () => undefined,
  };
  return { data, app };
}

async function setup() {
  const core = fakeCore();
  const controller = createProxyController({ start: async () => core.app });
  let startAtLogin = false;
  const seen: TrayState[] = [];
  const status = createTrayStatus({ controller, startAtLogin: () => startAtLogin, onState: (s) => seen.push(s) });
  await controller.start();
  await status.refresh();
  return { core, controller, status, seen, setStartAtLogin: (v: boolean) => (startAtLogin = v) };
}

describe('tray status', () => {
  it('follows the controller and reads active projects and requests today', async () => {
    const { status, seen } = await setup();
    expect(seen[0]?.proxy).toBe('starting');
    expect(status.current()).toMatchObject({
      proxy: 'running',
      url: 'http://127.0.0.1:9100',
      requestsToday: 3,
      projects: [{ id: 'a', name: 'Active' }],
      redisDown: false,
      cacheAvailable: true,
    });
  });

  it('tells the listener only when something changed', async () => {
    const { core, status, seen } = await setup();
    const before = seen.length;
    await status.refresh();
    expect(seen.length).toBe(before);
    core.data.requestsToday = 4;
    await status.refresh();
    expect(seen.length).toBe(before + 1);
    expect(seen.at(-1)?.requestsToday).toBe(4);
  });

  it('flags Redis only when configured and unreachable (older cores report nothing)', async () => {
    const { core, status } = await setup();
    core.data.redis = { configured: true, state: 'unreachable' };
    await status.refresh();
    expect(status.current().redisDown).toBe(true);
    core.data.redis = { configured: false, state: 'off' };
    await status.refresh();
    expect(status.current().redisDown).toBe(false);
    core.data.redis = undefined;
    await status.refresh();
    expect(status.current().redisDown).toBe(false);
  });

  it('keeps the last state when a refresh fails, and shows paused with the last address', async () => {
    const { core, controller, status } = await setup();
    core.data.failNext = true;
    await status.refresh();
    expect(status.current()).toMatchObject({ proxy: 'running', requestsToday: 3 });
    core.data.failNext = false;
    await controller.pause();
    expect(status.current()).toMatchObject({ proxy: 'paused', url: 'http://127.0.0.1:9100' });
    await status.refresh();
    expect(status.current().proxy).toBe('paused');
  });

  it('re-reads Start at login on request', async () => {
    const { status, setStartAtLogin } = await setup();
    setStartAtLogin(true);
    status.refreshPreferences();
    expect(status.current().startAtLogin).toBe(true);
  });
});
