// Calls the desktop shell through the preload bridge. No token: the window itself is trusted.
import {
  adminSubscriptions,
  type AdminMethod,
  type AdminSubscription,
  type AdminSubscriptionValues,
  type InputOf,
  type OutputOf,
} from '../../../main/core/api/contract.ts';
import type { LlmProxyBridge } from './bridge.ts';
import { ApiError } from './errors.ts';
import type { SubscriptionHandlers, Transport } from './transport.ts';

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
    if (!result || typeof result !== 'object' || !('ok' in result))
      throw new ApiError('bad_response', `The desktop app sent an answer the screens do not understand (${method})`);
    if (result.ok === true && 'value' in result) return result.value as OutputOf<M>;
    const error = (result as { error?: { code?: unknown; message?: unknown; issues?: unknown } }).error ?? {};
    const issues = Array.isArray(error.issues) ? (error.issues as { path: string; message: string }[]) : [];
    throw new ApiError(
      typeof error.code === 'string' ? error.code : 'internal_error',
      typeof error.message === 'string' ? error.message : 'The desktop app reported an error',
      issues,
    );
  }

  /**
   * By calling the query of the same name at the subscription's pace: an in-process call over IPC costs
   * little, and the window needs no second channel (or listener bookkeeping in the shell) for it.
   */
  subscribe<S extends AdminSubscription>(name: S, handlers: SubscriptionHandlers<AdminSubscriptionValues[S]>): () => void {
    let stopped = false;
    const poll = async () => {
      try {
        const value = await this.call(name, {} as InputOf<S>);
        if (stopped) return;
        handlers.state?.('live');
        handlers.value(value as AdminSubscriptionValues[S]);
      } catch (err) {
        if (!stopped) handlers.state?.('retrying', err instanceof ApiError ? err : new ApiError('ipc_failed', String(err)));
      }
    };
    handlers.state?.('connecting');
    void poll();
    const timer = setInterval(() => void poll(), adminSubscriptions[name].everyMs);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }
}
