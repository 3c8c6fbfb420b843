// The state of a list a screen shows: nothing yet, loading, ready, or failed with the server's message.
import { isUnreachable, toApiError, type ApiError } from '../api/index.ts';

export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

export interface Loadable {
  status: LoadStatus;
  error: ApiError | null;
}

/** A quiet refresh (polling) keeps what is on screen instead of flashing a loading state. */
export interface LoadOptions {
  quiet?: boolean;
}

/**
 * What a failed load leaves behind. When something was already on screen and the server is merely
 * unreachable, the list stays (the shell says it is stale and refreshes it on reconnect); otherwise the
 * screen shows the error.
 */
export function failedLoad(hadData: boolean, err: unknown): Loadable {
  const error = toApiError(err);
  return hadData && isUnreachable(error) ? { status: 'ready', error: null } : { status: 'error', error };
}
