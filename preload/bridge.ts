// Builds the one object the window sees as `window.llmProxy`: one function per contract method (from the
// contract's method list), each invoking that method's channel, typed against the renderer's bridge type.
import type { AdminMethod, ApiResult, InputOf, OutputOf } from '../main/core/api/contract.ts';
import { adminMethodNames } from '../main/core/api/method-names.ts';
import { ipcChannel } from '../main/electron/ipc-channels.ts';
import type { LlmProxyBridge } from '../renderer/src/api/bridge.ts';

/** ipcRenderer.invoke, narrowed; it never reaches the page. */
export type Invoke = (channel: string, payload: unknown) => Promise<unknown>;

export function buildBridge(invoke: Invoke): LlmProxyBridge {
  const method =
    <M extends AdminMethod>(name: M) =>
    (input: InputOf<M>): Promise<ApiResult<OutputOf<M>>> =>
      invoke(ipcChannel(name), input) as Promise<ApiResult<OutputOf<M>>>;

  // Derived from the contract's method list (zod-free, so the preload stays small): no edit here per method.
  const admin = Object.fromEntries(adminMethodNames.map((name) => [name, method(name)])) as { [M in AdminMethod]: LlmProxyBridge['admin'][M] };

  return Object.freeze({ admin: Object.freeze(admin) }) satisfies LlmProxyBridge;
}
