// Whether the server answers. Every api call reports it; while the server is away a probe asks every few
// seconds, and when it answers again the reconnect listeners run (the loaded lists refresh).
import { create } from 'zustand';
import { api, onReachability, type ApiError } from '../api/index.ts';

export const PROBE_MS = 3000;

export const OFFLINE_REASON = 'The server is not answering; this needs it. It comes back on its own when the server does.';

interface ConnectionState {
  online: boolean;
  /** When the server stopped answering (ms since the epoch); null while online. */
  since: number | null;
  error: ApiError | null;
  reset(): void;
}

const initial = { online: true, since: null, error: null };
const reconnectListeners = new Set<() => void>();
let probe: ReturnType<typeof setInterval> | null = null;

function stopProbe(): void {
  if (probe !== null) clearInterval(probe);
  probe = null;
}

export const useConnection = create<ConnectionState>((set) => ({
  ...initial,
  reset() {
    stopProbe();
    set(initial);
  },
}));

/** Runs after the server answers again; returns the unsubscribe. */
export function onReconnect(listener: () => void): () => void {
  reconnectListeners.add(listener);
  return () => {
    reconnectListeners.delete(listener);
  };
}

/** Why an action that needs the server cannot run now, or null when it can. */
export function useOffline(): string | null {
  return useConnection((s) => (s.online ? null : OFFLINE_REASON));
}

onReachability((reachable, error) => {
  const state = useConnection.getState();
  if (!reachable) {
    if (state.online) useConnection.setState({ online: false, since: Date.now(), error });
    // Any answer from the probe (even a refusal) reports reachable and ends the outage.
    probe ??= setInterval(() => void api['system.info']({}).catch(() => undefined), PROBE_MS);
    return;
  }
  if (state.online) return;
  stopProbe();
  useConnection.setState({ online: true, since: null, error: null });
  for (const listener of reconnectListeners) listener();
});
