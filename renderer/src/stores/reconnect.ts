// When the server answers again after an outage, every list already loaded refreshes quietly, so what the
// screens kept on show (marked stale) becomes current without a click.
import { useAudit } from './audit.ts';
import { useCache } from './cache.ts';
import { onReconnect } from './connection.ts';
import { useDashboard } from './dashboard.ts';
import { useProjects } from './projects.ts';
import { useSystem } from './system.ts';
import { useTokens } from './tokens.ts';
import { useUsage } from './usage.ts';

export function refreshOnReconnect(): () => void {
  return onReconnect(() => {
    for (const store of [useProjects, useTokens, useCache, useDashboard]) {
      if (store.getState().status !== 'idle') void store.getState().load({ quiet: true });
    }
    if (useAudit.getState().status !== 'idle') void useAudit.getState().load({ quiet: true });
    if (useSystem.getState().status !== 'idle') void useSystem.getState().load();
    for (const group of ['token', 'project'] as const) {
      if (useUsage.getState().status[group] !== 'idle') void useUsage.getState().load(group, { quiet: true });
    }
  });
}
