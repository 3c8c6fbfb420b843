// The `api` module: the only user of the transport. Screens and stores call `api['tokens.create'](…)`;
// this module picks the door (IPC inside the desktop window, HTTP in a browser tab) and reports an
// expired sign-in to whoever listens (the session store).
import {
  adminMethods,
  type AdminApi,
  type AdminMethod,
  type AdminSubscription,
  type AdminSubscriptionValues,
  type InputOf,
  type OutputOf,
} from '../../../main/core/api/contract.ts';
import { isBridge } from './bridge.ts';
import { toApiError, type ApiError } from './errors.ts';
import { HttpTransport } from './http-transport.ts';
import { IpcTransport } from './ipc-transport.ts';
import type { SubscriptionHandlers, Transport } from './transport.ts';

export { ApiError, isApiError, toApiError } from './errors.ts';
export { HttpTransport } from './http-transport.ts';
export { IpcTransport } from './ipc-transport.ts';
export type { SubscriptionHandlers, SubscriptionState, Transport } from './transport.ts';
export type { LlmProxyBridge, AdminBridge } from './bridge.ts';

interface Host {
  llmProxy?: unknown;
  location?: { origin: string };
}

/** IPC when the desktop shell exposed its bridge, HTTP to the page's own origin otherwise. */
export function selectTransport(host: Host, fetchImpl?: typeof fetch): Transport {
  if (isBridge(host.llmProxy)) return new IpcTransport(host.llmProxy);
  const origin = host.location?.origin && host.location.origin !== 'null' ? host.location.origin : 'http://127.0.0.1:8484';
  return new HttpTransport(fetchImpl ? { origin, fetch: fetchImpl } : { origin });
}

let transport: Transport = selectTransport(typeof window === 'undefined' ? {} : window);
const unauthorizedListeners = new Set<(error: ApiError) => void>();
const reachabilityListeners = new Set<(reachable: boolean, error: ApiError | null) => void>();

export function currentTransport(): Transport {
  return transport;
}

/** Swaps the door (tests; the desktop shell never needs to). */
export function setTransport(next: Transport): void {
  transport = next;
}

/** Gives the HTTP door the management token (held in memory only). No-op over IPC. */
export function setManagementToken(token: string | null): void {
  if (transport instanceof HttpTransport) transport.setToken(token);
}

export function onUnauthorized(listener: (error: ApiError) => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

/** Told after every call whether the server answered at all (a refusal is an answer; a dropped connection is not). */
export function onReachability(listener: (reachable: boolean, error: ApiError | null) => void): () => void {
  reachabilityListeners.add(listener);
  return () => reachabilityListeners.delete(listener);
}

/**
 * The server could not be reached: the connection failed, or something in front of it answered 502–504
 * without the server's own error body (the server's own 503 `store_unavailable` is an answer).
 */
export function isUnreachable(error: ApiError): boolean {
  if (error.code === 'network_error' || error.code === 'ipc_failed') return true;
  return error.code === 'server_error' && error.status >= 502 && error.status <= 504;
}

function reportReachability(reachable: boolean, error: ApiError | null): void {
  for (const listener of reachabilityListeners) listener(reachable, error);
}

async function call<M extends AdminMethod>(method: M, input: InputOf<M>): Promise<OutputOf<M>> {
  try {
    const value = await transport.call(method, input);
    reportReachability(true, null);
    return value;
  } catch (err) {
    const error = toApiError(err);
    reportReachability(!isUnreachable(error), isUnreachable(error) ? error : null);
    if (error.code === 'unauthorized') for (const listener of unauthorizedListeners) listener(error);
    throw error;
  }
}

function buildApi(): AdminApi {
  const entries = adminMethods.map((method) => [method, (input: InputOf<typeof method>) => call(method, input)]);
  return Object.freeze(Object.fromEntries(entries)) as AdminApi;
}

export const api: AdminApi = buildApi();

/** A contract subscription through the current door; an `unauthorized` end signs the tab out. */
export function subscribe<S extends AdminSubscription>(name: S, handlers: SubscriptionHandlers<AdminSubscriptionValues[S]>): () => void {
  return transport.subscribe(name, {
    value: handlers.value,
    state(state, error) {
      if (error?.code === 'unauthorized') for (const listener of unauthorizedListeners) listener(error);
      handlers.state?.(state, error);
    },
  });
}
