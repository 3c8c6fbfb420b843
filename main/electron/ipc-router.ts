// What every IPC call goes through, without Electron: the sender must be the app's own top-level page and
// the channel must name a contract method; then the payload, still `unknown`, goes to the one door
// (`dispatch`, main/core/api/dispatch.ts), which validates, authorizes and audits as for HTTP. The answer
// is an ApiResult (Electron keeps only `message` from a thrown error).
import { adminMethods, isAdminMethod, type AdminMethod, type ApiErrorShape, type ApiResult, adminContract } from '../core/api/contract.ts';
import { isAppError } from '../core/errors.ts';
import { IPC_CHANNEL_PREFIX, ipcChannel } from './ipc-channels.ts';
import { isShellError, ShellError } from './shell-errors.ts';
import { isAppUrl } from './windows.ts';

/** What the router needs to know about the caller (Electron's IpcMainInvokeEvent has it). */
export interface IpcCaller {
  /** null when the frame navigated away or was destroyed before the call arrived. */
  senderFrame: { url: string; parent: unknown } | null;
}

export interface IpcRouterDeps {
  /** The one door in process (the app's `call`): validates the raw payload, authorizes, audits. */
  call(method: AdminMethod, input: unknown): Promise<unknown>;
  /** Told after every successful change (the tray refreshes its project list and counters). */
  onChanged?(method: AdminMethod): void;
  /** Unexpected failures (bugs); the window only sees `internal_error`. */
  onUnexpectedError?(method: string, err: unknown): void;
  /** Which page may call; defaults to the app's own renderer. */
  isTrustedUrl?(url: string): boolean;
}

export interface IpcRouter {
  /** One channel per contract method. */
  readonly channels: readonly string[];
  handle(channel: string, caller: IpcCaller, payload: unknown): Promise<ApiResult<unknown>>;
}

export function createIpcRouter(deps: IpcRouterDeps): IpcRouter {
  const isTrustedUrl = deps.isTrustedUrl ?? isAppUrl;

  return {
    channels: adminMethods.map((method) => ipcChannel(method)),
    async handle(channel, caller, payload) {
      const method = methodOfChannel(channel);
      try {
        if (!method) throw new ShellError('unknown_method', 'The desktop app offers no such call.');
        checkSender(caller, isTrustedUrl);
        const value = await deps.call(method, payload);
        if (adminContract[method].mutates) deps.onChanged?.(method);
        return { ok: true, value };
      } catch (err) {
        return { ok: false, error: toErrorShape(err, channel, deps) };
      }
    },
  };
}

function methodOfChannel(channel: string): AdminMethod | null {
  if (typeof channel !== 'string' || !channel.startsWith(IPC_CHANNEL_PREFIX)) return null;
  const method = channel.slice(IPC_CHANNEL_PREFIX.length);
  return isAdminMethod(method) ? method : null;
}

/** Only the app's own page, in the window's top frame (no iframe, no page it navigated to). */
function checkSender(caller: IpcCaller, isTrustedUrl: (url: string) => boolean): void {
  const frame = caller?.senderFrame;
  if (!frame || frame.parent !== null || typeof frame.url !== 'string' || !isTrustedUrl(frame.url)) {
    throw new ShellError('forbidden_sender', 'This call did not come from the LLM Proxy window.');
  }
}

function toErrorShape(err: unknown, channel: string, deps: IpcRouterDeps): ApiErrorShape {
  if (isAppError(err)) return err.issues ? { code: err.code, message: err.message, issues: err.issues } : { code: err.code, message: err.message };
  if (isShellError(err)) return { code: err.code, message: err.message };
  deps.onUnexpectedError?.(channel, err);
  return { code: 'internal_error', message: 'Internal error' };
}
