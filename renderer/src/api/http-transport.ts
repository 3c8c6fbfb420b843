// POST /manage/rpc/<method> with the management token. The token lives in this object only (memory of
// the tab): never localStorage, sessionStorage or a cookie, so it is gone when the tab closes.
import type { AdminMethod, AdminSubscription, AdminSubscriptionValues, InputOf, OutputOf } from '../../../main/core/api/contract.ts';
import { ApiError, apiErrorFromBody } from './errors.ts';
import { subscribeOverSse } from './sse-subscription.ts';
import type { SubscriptionHandlers, Transport } from './transport.ts';

export interface HttpTransportOptions {
  /** Where the server is, e.g. `http://127.0.0.1:8484` (the page's own origin in a browser). */
  origin: string;
  fetch?: typeof fetch;
}

export class HttpTransport implements Transport {
  readonly kind = 'http' as const;
  readonly needsSignIn = true;
  readonly origin: string;
  #token: string | null = null;
  readonly #fetch: typeof fetch;

  constructor(opts: HttpTransportOptions) {
    this.origin = opts.origin.replace(/\/+$/, '');
    this.#fetch = opts.fetch ?? ((...args) => globalThis.fetch(...args));
  }

  setToken(token: string | null): void {
    this.#token = token;
  }

  get hasToken(): boolean {
    return this.#token !== null;
  }

  async call<M extends AdminMethod>(method: M, input: InputOf<M>): Promise<OutputOf<M>> {
    if (this.#token === null) throw new ApiError('unauthorized', 'Sign in with the management token first', [], 401);
    let res: Response;
    try {
      res = await this.#fetch(`${this.origin}/manage/rpc/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.#token}` },
        body: JSON.stringify(input ?? {}),
        credentials: 'omit',
        cache: 'no-store',
      });
    } catch {
      throw new ApiError('network_error', `Cannot reach the LLM Proxy server at ${this.origin}`);
    }
    const body = await readJson(res);
    if (!res.ok) throw apiErrorFromBody(body, res.status);
    if (!body || typeof body !== 'object' || !('value' in body)) {
      throw new ApiError('bad_response', `The server sent an answer the screens do not understand (${method})`, [], res.status);
    }
    return (body as { value: OutputOf<M> }).value;
  }

  subscribe<S extends AdminSubscription>(name: S, handlers: SubscriptionHandlers<AdminSubscriptionValues[S]>): () => void {
    return subscribeOverSse({ origin: this.origin, name, token: () => this.#token, fetch: this.#fetch, handlers });
  }
}

async function readJson(res: Response): Promise<unknown> {
  const text = await res.text().catch(() => '');
  if (!text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
