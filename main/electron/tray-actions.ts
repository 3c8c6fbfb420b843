// What each tray menu entry does. Electron reaches it only through the ports below, so every action is
// testable with stand-ins; a failure becomes a notification, never an unhandled rejection.
import type { ProxyController } from './proxy-controller.ts';
import type { TrayAction } from './tray-menu.ts';

export interface TrayActionPorts {
  controller: Pick<ProxyController, 'status' | 'call' | 'pause' | 'resume'>;
  clipboard: { writeText(text: string): void };
  notify(title: string, body: string): void;
  showWindow(): void;
  quit(): void;
  startAtLogin: { isEnabled(): boolean; setEnabled(enabled: boolean): void };
  /** How long a token made from the tray lives. */
  tokenMinutes(): number;
  /** Called after an action changed what the tray shows. */
  changed(): void;
}

export function createTrayActions(ports: TrayActionPorts): (action: TrayAction) => Promise<void> {
  const handlers: { [K in TrayAction['kind']]: (action: Extract<TrayAction, { kind: K }>) => Promise<void> | void } = {
    open: () => ports.showWindow(),
    quit: () => ports.quit(),
    pause: () => ports.controller.pause(),
    resume: () => ports.controller.resume(),
    async newToken({ projectId, projectName }) {
      const minutes = ports.tokenMinutes();
      const created = await ports.controller.call('tokens.create', { project_id: projectId, duration_minutes: minutes, name: 'From the tray' });
      ports.clipboard.writeText(created.token);
      ports.notify(
        'Token copied',
        `A new token for ${projectName} is on the clipboard. It expires in ${describeMinutes(minutes)}. For one command: llm-proxy exec --project "${projectName}" -- <command>`,
      );
      ports.changed();
    },
    async purgeCache() {
      const { deleted } = await ports.controller.call('cache.purge', { all: true });
      ports.notify('Cache purged', `${deleted} cached answer${deleted === 1 ? '' : 's'} removed.`);
      ports.changed();
    },
    copyUrl() {
      const status = ports.controller.status();
      if (status.state !== 'running') return;
      ports.clipboard.writeText(`${status.url}/v1`);
      ports.notify('Proxy URL copied', `${status.url}/v1 is on the clipboard: use it as the base URL with a token as the API key.`);
    },
    toggleStartAtLogin() {
      ports.startAtLogin.setEnabled(!ports.startAtLogin.isEnabled());
      ports.changed();
    },
  };

  return async (action) => {
    try {
      await (handlers[action.kind] as (a: TrayAction) => Promise<void> | void)(action);
    } catch (err) {
      ports.notify(FAILURE_TITLE[action.kind], err instanceof Error ? err.message : String(err));
    }
  };
}

const FAILURE_TITLE: Record<TrayAction['kind'], string> = {
  open: 'Could not open the window',
  quit: 'Could not quit',
  pause: 'Could not pause the proxy',
  resume: 'Could not start the proxy',
  newToken: 'Could not create a token',
  purgeCache: 'Could not purge the cache',
  copyUrl: 'Could not copy the proxy URL',
  toggleStartAtLogin: 'Could not change Start at login',
};

export function describeMinutes(minutes: number): string {
  if (minutes % 1440 === 0) return plural(minutes / 1440, 'day');
  if (minutes % 60 === 0) return plural(minutes / 60, 'hour');
  return plural(minutes, 'minute');
}

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
