// How a contract call reaches the service: over HTTP from a browser tab, over IPC in the desktop window.
import type { AdminMethod, InputOf, OutputOf } from '../../../main/core/api/contract.ts';

export interface Transport {
  readonly kind: 'http' | 'ipc';
  /** HTTP needs the management token; the desktop window is trusted through IPC. */
  readonly needsSignIn: boolean;
  call<M extends AdminMethod>(method: M, input: InputOf<M>): Promise<OutputOf<M>>;
}
