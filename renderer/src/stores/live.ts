// The live dashboard: the latest snapshot of the `dashboard.live` subscription and the state of the
// connection. Subscribed while a screen that shows it is mounted (reference-counted), so nothing streams
// in the background.
import { create } from 'zustand';
import type { LiveSnapshotView } from '../../../main/core/api/event-views.ts';
import { subscribe, type ApiError, type SubscriptionState } from '../api/index.ts';

interface LiveState {
  snapshot: LiveSnapshotView | null;
  connection: 'idle' | SubscriptionState;
  error: ApiError | null;
  /** Starts the subscription (if not running) and returns the function that releases it. */
  watch(): () => void;
  reset(): void;
}

let watchers = 0;
let stop: (() => void) | null = null;

export const useLive = create<LiveState>((set) => ({
  snapshot: null,
  connection: 'idle',
  error: null,
  watch() {
    watchers++;
    if (!stop) {
      stop = subscribe('dashboard.live', {
        value: (snapshot) => set({ snapshot, connection: 'live', error: null }),
        state: (connection, error) => set(error ? { connection, error } : { connection }),
      });
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      watchers = Math.max(0, watchers - 1);
      if (watchers === 0) {
        stop?.();
        stop = null;
        set({ connection: 'idle' });
      }
    };
  },
  reset() {
    stop?.();
    stop = null;
    watchers = 0;
    set({ snapshot: null, connection: 'idle', error: null });
  },
}));
