// The tray menu as a pure function of the app's state: what the user sees (status, address, requests
// today) and what they can do. `tray.ts` renders it with Electron and re-renders whenever the state changes.
import type { MenuItemConstructorOptions } from 'electron';

export type ProxyState = 'starting' | 'running' | 'paused' | 'stopping' | 'failed';

export interface TrayProject {
  id: string;
  name: string;
}

export interface TrayState {
  proxy: ProxyState;
  /** The proxy's address once it has listened (kept while paused, so it can still be copied). */
  url: string | null;
  /** Why the proxy is not running (failed state only). */
  failure: string | null;
  /** null until the first summary arrives. */
  requestsToday: number | null;
  /** Active projects, the targets of "New token for ▸". */
  projects: TrayProject[];
  /** The contract offers a response cache to purge. */
  cacheAvailable: boolean;
  /** Shared limits are configured but Redis does not answer (limits fall back to this instance). */
  redisDown: boolean;
  startAtLogin: boolean;
}

export type TrayAction =
  | { kind: 'open' }
  | { kind: 'newToken'; projectId: string; projectName: string }
  | { kind: 'purgeCache' }
  | { kind: 'pause' }
  | { kind: 'resume' }
  | { kind: 'copyUrl' }
  | { kind: 'toggleStartAtLogin' }
  | { kind: 'quit' };

export interface TrayMenuItem {
  id: string;
  label?: string;
  type?: 'normal' | 'separator' | 'submenu' | 'checkbox';
  enabled?: boolean;
  checked?: boolean;
  submenu?: TrayMenuItem[];
  action?: TrayAction;
}

/** More projects than this would make the menu taller than a laptop screen; the window lists them all. */
export const MAX_TRAY_PROJECTS = 15;

export const initialTrayState: TrayState = {
  proxy: 'starting',
  url: null,
  failure: null,
  requestsToday: null,
  projects: [],
  cacheAvailable: false,
  redisDown: false,
  startAtLogin: false,
};

const STATUS_LABEL: Record<ProxyState, string> = {
  starting: 'Starting…',
  running: 'Running',
  paused: 'Paused',
  stopping: 'Stopping…',
  failed: 'Stopped',
};

const separator = (id: string): TrayMenuItem => ({ id, type: 'separator' });
const info = (id: string, label: string): TrayMenuItem => ({ id, label, enabled: false });

export function buildTrayMenu(state: TrayState): TrayMenuItem[] {
  const running = state.proxy === 'running';
  const items: TrayMenuItem[] = [info('status', `LLM Proxy: ${STATUS_LABEL[state.proxy]}`)];
  if (state.proxy === 'failed' && state.failure) items.push(info('failure', state.failure));
  if (state.url) items.push(info('address', `Address: ${state.url}${running ? '' : ' (not listening)'}`));
  if (running && state.requestsToday !== null) items.push(info('requests-today', `Requests today: ${state.requestsToday.toLocaleString('en-US')}`));
  if (running && state.redisDown) items.push(info('redis-down', 'Redis unreachable: limits count on this machine only'));

  items.push(separator('sep-actions'), { id: 'open', label: 'Open LLM Proxy', action: { kind: 'open' } }, newTokenMenu(state));
  if (state.cacheAvailable) items.push({ id: 'purge-cache', label: 'Purge cache', enabled: running, action: { kind: 'purgeCache' } });

  items.push(separator('sep-proxy'), pauseOrResume(state));
  items.push({ id: 'copy-url', label: 'Copy proxy URL', enabled: state.url !== null, action: { kind: 'copyUrl' } });
  items.push(
    separator('sep-app'),
    { id: 'start-at-login', label: 'Start at login', type: 'checkbox', checked: state.startAtLogin, action: { kind: 'toggleStartAtLogin' } },
    { id: 'quit', label: 'Quit LLM Proxy', action: { kind: 'quit' } },
  );
  return items;
}

function newTokenMenu(state: TrayState): TrayMenuItem {
  const running = state.proxy === 'running';
  const projects = [...state.projects].sort((a, b) => a.name.localeCompare(b.name));
  const shown = projects.slice(0, MAX_TRAY_PROJECTS);
  const submenu: TrayMenuItem[] = shown.map((p) => ({
    id: `new-token:${p.id}`,
    label: menuText(p.name),
    action: { kind: 'newToken', projectId: p.id, projectName: p.name },
  }));
  if (projects.length > shown.length) submenu.push(info('new-token:more', `${projects.length - shown.length} more: open the window`));
  if (projects.length === 0) submenu.push(info('new-token:none', 'No active projects: add one in the window'));
  return { id: 'new-token', label: 'New token for', type: 'submenu', enabled: running, submenu };
}

function pauseOrResume(state: TrayState): TrayMenuItem {
  switch (state.proxy) {
    case 'running':
      return { id: 'pause', label: 'Pause proxy', action: { kind: 'pause' } };
    case 'paused':
      return { id: 'resume', label: 'Resume proxy', action: { kind: 'resume' } };
    case 'failed':
      return { id: 'resume', label: 'Start proxy again', action: { kind: 'resume' } };
    default:
      return { id: 'pause', label: 'Pause proxy', enabled: false };
  }
}

/** Project names are user text: `&` would become a mnemonic on Windows and Linux. */
function menuText(name: string): string {
  const text = name.replace(/&/g, '&&');
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

export function trayTooltip(state: TrayState): string {
  if (state.proxy === 'running' && state.url) return `LLM Proxy: running on ${state.url}`;
  return `LLM Proxy: ${STATUS_LABEL[state.proxy].toLowerCase()}`;
}

/** The menu as Electron's template, each action bound to `run`. */
export function toElectronTemplate(items: TrayMenuItem[], run: (action: TrayAction) => void): MenuItemConstructorOptions[] {
  return items.map((item) => {
    const options: MenuItemConstructorOptions = { id: item.id, type: item.type ?? 'normal' };
    if (item.label !== undefined) options.label = item.label;
    if (item.enabled !== undefined) options.enabled = item.enabled;
    if (item.checked !== undefined) options.checked = item.checked;
    if (item.submenu) options.submenu = toElectronTemplate(item.submenu, run);
    const action = item.action;
    if (action) options.click = () => run(action);
    return options;
  });
}
