// IPC channel names, derived from the contract (`app:tokens.create`): the preload and the main-side
// handlers both use this module, so a channel name is never a string literal anywhere else.
import type { AdminMethod } from '../core/api/contract.ts';

export const IPC_CHANNEL_PREFIX = 'app:';

export type AdminChannel = `${typeof IPC_CHANNEL_PREFIX}${AdminMethod}`;

export function ipcChannel<M extends AdminMethod>(method: M): `${typeof IPC_CHANNEL_PREFIX}${M}` {
  return `${IPC_CHANNEL_PREFIX}${method}`;
}
