// The object the desktop shell's preload exposes as `window.llmProxy` (contextBridge). Typed from the
// contract, so the preload fails to compile when it forgets a method. Results cross IPC as ApiResult
// because Electron keeps only `message` from a thrown error.
import type { AdminMethod, ApiResult, InputOf, OutputOf } from '../../../main/core/api/contract.ts';

export type AdminBridge = { [M in AdminMethod]: (input: InputOf<M>) => Promise<ApiResult<OutputOf<M>>> };

export interface LlmProxyBridge {
  /** Subscriptions are polled over IPC (the query of the same name), so the bridge holds calls only. */
  admin: AdminBridge;
}

declare global {
  interface Window {
    llmProxy?: LlmProxyBridge;
  }
}

export function isBridge(value: unknown): value is LlmProxyBridge {
  return !!value && typeof value === 'object' && !!(value as { admin?: unknown }).admin && typeof (value as { admin: unknown }).admin === 'object';
}
