// Keeps the tray's state current: the proxy's lifecycle from the controller, active projects and
// today's request count from the AdminApi (after every change made in the window or the tray, and on a
// slow timer for traffic), and the desktop preferences. Tells the listener only when something changed.
import { isAdminMethod } from '../core/api/contract.ts';
import type { ControllerStatus, ProxyController } from './proxy-controller.ts';
import { initialTrayState, type TrayState } from './tray-menu.ts';

export interface TrayStatusDeps {
  controller: Pick<ProxyController, 'status' | 'onChange' | 'call'>;
  startAtLogin(): boolean;
  onState(state: TrayState): void;
  /** Background failures (the tray keeps its last state). */
  onError?(err: unknown): void;
}

export interface TrayStatus {
  current(): TrayState;
  /** Re-reads projects and counters (no-op while the proxy is not running). */
  refresh(): Promise<void>;
  /** Re-reads the preferences only (Start at login toggled). */
  refreshPreferences(): void;
  dispose(): void;
}

/** system.info reports shared limits' Redis (read loosely: older cores do not report it). */
function redisUnreachable(info: unknown): boolean {
  const redis = (info as { redis?: { configured?: unknown; state?: unknown } } | null)?.redis;
  return !!redis && redis.configured !== false && redis.state === 'unreachable';
}

export function createTrayStatus(deps: TrayStatusDeps): TrayStatus {
  let state: TrayState = { ...initialTrayState, cacheAvailable: isAdminMethod('cache.purge'), startAtLogin: deps.startAtLogin() };
  let lastJson = '';

  const publish = (next: TrayState) => {
    state = next;
    const json = JSON.stringify(next);
    if (json === lastJson) return;
    lastJson = json;
    deps.onState(next);
  };

  const fromController = (status: ControllerStatus): Partial<TrayState> => {
    switch (status.state) {
      case 'running':
        return { proxy: 'running', url: status.url, failure: null };
      case 'failed':
        return { proxy: 'failed', failure: status.message };
      case 'stopped':
        return { proxy: 'stopping', failure: null };
      default:
        return { proxy: status.state, failure: null };
    }
  };

  const refresh = async () => {
    if (deps.controller.status().state !== 'running') return;
    try {
      const [summary, projects, info] = await Promise.all([
        deps.controller.call('dashboard.summary', {}),
        deps.controller.call('projects.list', {}),
        deps.controller.call('system.info', {}),
      ]);
      publish({
        ...state,
        requestsToday: summary.requests_today,
        projects: projects.filter((p) => p.is_active).map((p) => ({ id: p.id, name: p.name })),
        redisDown: redisUnreachable(info),
      });
    } catch (err) {
      // Paused between the check and the call, or the store hiccuped: keep what the tray shows.
      deps.onError?.(err);
    }
  };

  const unsubscribe = deps.controller.onChange((status) => {
    publish({ ...state, ...fromController(status) });
    if (status.state === 'running') void refresh();
  });
  publish({ ...state, ...fromController(deps.controller.status()) });

  return {
    current: () => state,
    refresh,
    refreshPreferences: () => publish({ ...state, startAtLogin: deps.startAtLogin() }),
    dispose: unsubscribe,
  };
}
