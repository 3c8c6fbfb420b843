import { describe, expect, it } from 'vitest';
import {
  buildTrayMenu,
  initialTrayState,
  MAX_TRAY_PROJECTS,
  toElectronTemplate,
  trayTooltip,
  type TrayAction,
  type TrayMenuItem,
  type TrayState,
} from './tray-menu.ts';

const running: TrayState = {
  ...initialTrayState,
  proxy: 'running',
  url: 'http://127.0.0.1:8484',
  requestsToday: 1234,
  projects: [
    { id: 'p-2', name: 'Zeta bot' },
    { id: 'p-1', name: 'Alpha & Co' },
  ],
};

const byId = (items: TrayMenuItem[], id: string) => items.find((i) => i.id === id);
const labels = (items: TrayMenuItem[]) => items.filter((i) => i.type !== 'separator').map((i) => i.label);

describe('the tray menu', () => {
  it('running: status, address, requests today and every action', () => {
    const menu = buildTrayMenu(running);
    expect(labels(menu)).toEqual([
      'LLM Proxy: Running',
      'Address: http://127.0.0.1:8484',
      'Requests today: 1,234',
      'Open LLM Proxy',
      'New token for',
      'Pause proxy',
      'Copy proxy URL',
      'Start at login',
      'Quit LLM Proxy',
    ]);
    for (const id of ['status', 'address', 'requests-today']) expect(byId(menu, id)?.enabled).toBe(false);
    expect(byId(menu, 'pause')?.action).toEqual({ kind: 'pause' });
    expect(byId(menu, 'copy-url')?.enabled).toBe(true);
    expect(byId(menu, 'start-at-login')).toMatchObject({ type: 'checkbox', checked: false });
  });

  it('offers a new token for each active project, sorted by name, with & kept literal', () => {
    const submenu = byId(buildTrayMenu(running), 'new-token');
    expect(submenu).toMatchObject({ type: 'submenu', enabled: true });
    expect(submenu?.submenu?.map((i) => [i.label, i.action])).toEqual([
      ['Alpha && Co', { kind: 'newToken', projectId: 'p-1', projectName: 'Alpha & Co' }],
      ['Zeta bot', { kind: 'newToken', projectId: 'p-2', projectName: 'Zeta bot' }],
    ]);
  });

  it('no projects: says where to add one', () => {
    const submenu = byId(buildTrayMenu({ ...running, projects: [] }), 'new-token')?.submenu;
    expect(submenu).toEqual([{ id: 'new-token:none', label: 'No active projects: add one in the window', enabled: false }]);
  });

  it('many projects: caps the list and points to the window', () => {
    const projects = Array.from({ length: MAX_TRAY_PROJECTS + 3 }, (_, i) => ({ id: `p${i}`, name: `Project ${String(i).padStart(2, '0')}` }));
    const submenu = byId(buildTrayMenu({ ...running, projects }), 'new-token')?.submenu ?? [];
    expect(submenu).toHaveLength(MAX_TRAY_PROJECTS + 1);
    expect(submenu.at(-1)).toMatchObject({ label: '3 more: open the window', enabled: false });
  });

  it('paused: says so, offers Resume, keeps the address to copy, no token or counter', () => {
    const menu = buildTrayMenu({ ...running, proxy: 'paused' });
    expect(byId(menu, 'status')?.label).toBe('LLM Proxy: Paused');
    expect(byId(menu, 'address')?.label).toBe('Address: http://127.0.0.1:8484 (not listening)');
    expect(byId(menu, 'requests-today')).toBeUndefined();
    expect(byId(menu, 'resume')).toMatchObject({ label: 'Resume proxy', action: { kind: 'resume' } });
    expect(byId(menu, 'pause')).toBeUndefined();
    expect(byId(menu, 'new-token')?.enabled).toBe(false);
    expect(byId(menu, 'open')?.action).toEqual({ kind: 'open' });
  });

  it('starting: nothing to pause or copy yet', () => {
    const menu = buildTrayMenu(initialTrayState);
    expect(byId(menu, 'status')?.label).toBe('LLM Proxy: Starting…');
    expect(byId(menu, 'pause')).toMatchObject({ enabled: false });
    expect(byId(menu, 'pause')?.action).toBeUndefined();
    expect(byId(menu, 'copy-url')?.enabled).toBe(false);
    expect(byId(menu, 'address')).toBeUndefined();
  });

  it('failed: shows why and offers to start again', () => {
    const menu = buildTrayMenu({ ...initialTrayState, proxy: 'failed', failure: 'The port is in use by another program.' });
    expect(labels(menu).slice(0, 2)).toEqual(['LLM Proxy: Stopped', 'The port is in use by another program.']);
    expect(byId(menu, 'resume')).toMatchObject({ label: 'Start proxy again', action: { kind: 'resume' } });
  });

  it('Redis down: warns that limits are per machine (only while running)', () => {
    expect(byId(buildTrayMenu({ ...running, redisDown: true }), 'redis-down')?.label).toBe('Redis unreachable: limits count on this machine only');
    expect(byId(buildTrayMenu(running), 'redis-down')).toBeUndefined();
    expect(byId(buildTrayMenu({ ...running, proxy: 'paused', redisDown: true }), 'redis-down')).toBeUndefined();
  });

  it('Purge cache appears only when the cache exists', () => {
    expect(byId(buildTrayMenu(running), 'purge-cache')).toBeUndefined();
    expect(byId(buildTrayMenu({ ...running, cacheAvailable: true }), 'purge-cache')).toMatchObject({ enabled: true, action: { kind: 'purgeCache' } });
    expect(byId(buildTrayMenu({ ...running, proxy: 'paused', cacheAvailable: true }), 'purge-cache')?.enabled).toBe(false);
  });

  it('Start at login shows its current value', () => {
    expect(byId(buildTrayMenu({ ...running, startAtLogin: true }), 'start-at-login')?.checked).toBe(true);
  });

  it('tooltip names the address when running', () => {
    expect(trayTooltip(running)).toBe('LLM Proxy: running on http://127.0.0.1:8484');
    expect(trayTooltip({ ...running, proxy: 'paused' })).toBe('LLM Proxy: paused');
  });

  it('becomes an Electron template whose clicks run the actions', () => {
    const ran: TrayAction[] = [];
    const template = toElectronTemplate(buildTrayMenu(running), (a) => ran.push(a));
    const submenu = template.find((i) => i.id === 'new-token')?.submenu as { click?: () => void }[];
    submenu[0]?.click?.();
    template.find((i) => i.id === 'quit')?.click?.(undefined as never, undefined, undefined as never);
    expect(ran).toEqual([{ kind: 'newToken', projectId: 'p-1', projectName: 'Alpha & Co' }, { kind: 'quit' }]);
    expect(template.find((i) => i.id === 'status')).toMatchObject({ enabled: false, type: 'normal' });
    expect(template.find((i) => i.id === 'status')?.click).toBeUndefined();
  });
});
