// Calls the desktop shell through the preload bridge. No token: the window itself is trusted.
import type { AdminMethod, InputOf, OutputOf } from '../../../main/core/api/contract.ts';
import type { LlmProxyBridge } from './bridge.ts';
import { ApiError } from './errors.ts';
import type { Transport } from './transport.ts';

export class IpcTransport implements Transport {
  readonly kind = 'ipc' as const;
  readonly needsSignIn = false;
  readonly #bridge: LlmProxyBridge;

  constructor(bridge: LlmProxyBridge) {
    this.#bridge = bridge;
  }

  async call<M extends AdminMethod>(method: M, input: InputOf<M>): Promise<OutputOf<M>> {
    const fn = this.#bridge.admin[method] as ((input: InputOf<M>) => Promise<unknown>) | undefined;
    if (typeof fn !== 'function') throw new ApiError('not_found', `The desktop app does not offer ${method}`);
    let result: unknown;
    try {
      result = await fn(input ?? ({} as InputOf<M>));
    } catch (err) {
      throw new ApiError('ipc_failed', err instanceof Error ? err.message : `The desktop app did not answer ${method}`);
    }
    if (!result || typeof result !== 'object' || !('ok' in result)) throw new ApiError('bad_response', `The desktop app sent an answer the screens do not understand (${method})`);
    if (result.ok === true && 'value' in result) return result.value as OutputOf<M>;
    const error = (result as { error?: { code?: unknown; message?: unknown; issues?: unknown } }).error ?? {};
    const issues = Array.isArray(error.issues) ? (error.issues as { path: string; message: string }[]) : [];
    throw new ApiError(typeof error.code === 'string' ? error.code : 'internal_error', typeof error.message === 'string' ? error.message : 'The desktop app reported an error', issues);
  }
}
