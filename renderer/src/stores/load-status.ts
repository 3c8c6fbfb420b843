// The state of a list a screen shows: nothing yet, loading, ready, or failed with the server's message.
import type { ApiError } from '../api/index.ts';

export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

export interface Loadable {
  status: LoadStatus;
  error: ApiError | null;
}

/** A quiet refresh (polling) keeps what is on screen instead of flashing a loading state. */
export interface LoadOptions {
  quiet?: boolean;
}
