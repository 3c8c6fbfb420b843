// How a contract call reaches the service: over HTTP from a browser tab, over IPC in the desktop window.
import type { AdminMethod, AdminSubscription, AdminSubscriptionValues, InputOf, OutputOf } from '../../../main/core/api/contract.ts';
import type { ApiError } from './errors.ts';

export interface Transport {
  readonly kind: 'http' | 'ipc';
  /** HTTP needs the management token; the desktop window is trusted through IPC. */
  readonly needsSignIn: boolean;
  call<M extends AdminMethod>(method: M, input: InputOf<M>): Promise<OutputOf<M>>;
  /** A contract subscription's values (about every second) until the returned function is called. */
  subscribe<S extends AdminSubscription>(name: S, handlers: SubscriptionHandlers<AdminSubscriptionValues[S]>): () => void;
}

export type SubscriptionState = 'connecting' | 'live' | 'retrying';

export interface SubscriptionHandlers<T> {
  value(value: T): void;
  /** Connection changes; `error` says why it is retrying (an `unauthorized` error ends the subscription). */
  state?(state: SubscriptionState, error?: ApiError): void;
}
