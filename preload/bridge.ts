// Builds the one object the window sees as `window.llmProxy`: one function per contract method, each
// invoking that method's channel. Typed with `satisfies` against the renderer's bridge type, so tsc fails
// when a contract method is missing here (or one is added that the contract does not have).
import type { AdminMethod, ApiResult, InputOf, OutputOf } from '../main/core/api/contract.ts';
import { ipcChannel } from '../main/electron/ipc-channels.ts';
import type { LlmProxyBridge } from '../renderer/src/api/bridge.ts';

/** ipcRenderer.invoke, narrowed; it never reaches the page. */
export type Invoke = (channel: string, payload: unknown) => Promise<unknown>;

export function buildBridge(invoke: Invoke): LlmProxyBridge {
  const method =
    <M extends AdminMethod>(name: M) =>
    (input: InputOf<M>): Promise<ApiResult<OutputOf<M>>> =>
      invoke(ipcChannel(name), input) as Promise<ApiResult<OutputOf<M>>>;

  const admin = {
    'projects.list': method('projects.list'),
    'projects.get': method('projects.get'),
    'projects.create': method('projects.create'),
    'projects.update': method('projects.update'),
    'projects.revokeTokens': method('projects.revokeTokens'),
    'keys.list': method('keys.list'),
    'keys.add': method('keys.add'),
    'keys.update': method('keys.update'),
    'keys.remove': method('keys.remove'),
    'tokens.list': method('tokens.list'),
    'tokens.get': method('tokens.get'),
    'tokens.create': method('tokens.create'),
    'tokens.update': method('tokens.update'),
    'tokens.revoke': method('tokens.revoke'),
    'audit.list': method('audit.list'),
    'audit.get': method('audit.get'),
    'cache.stats': method('cache.stats'),
    'cache.purge': method('cache.purge'),
    'system.info': method('system.info'),
    'dashboard.summary': method('dashboard.summary'),
    'dashboard.live': method('dashboard.live'),
    'events.status': method('events.status'),
    'events.deadLetters': method('events.deadLetters'),
    'usage.daily': method('usage.daily'),
  } satisfies { [M in AdminMethod]: LlmProxyBridge['admin'][M] };

  return Object.freeze({ admin: Object.freeze(admin) }) satisfies LlmProxyBridge;
}
