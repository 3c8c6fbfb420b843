// Reads a contract subscription over HTTP: `GET /manage/stream/<name>` as Server-Sent Events, with fetch
// (EventSource cannot send the Authorization header). Reconnects with backoff after a drop; a 401 ends it.
import type { AdminSubscription, AdminSubscriptionValues } from '../../../main/core/api/contract.ts';
import { ApiError } from './errors.ts';
import type { SubscriptionHandlers } from './transport.ts';

export interface SseSubscriptionOptions<S extends AdminSubscription> {
  origin: string;
  name: S;
  token: () => string | null;
  fetch: typeof fetch;
  handlers: SubscriptionHandlers<AdminSubscriptionValues[S]>;
}

const MAX_BACKOFF_MS = 10_000;

export function subscribeOverSse<S extends AdminSubscription>(opts: SseSubscriptionOptions<S>): () => void {
  const abort = new AbortController();
  let backoff = 500;

  const connect = async (): Promise<void> => {
    while (!abort.signal.aborted) {
      const token = opts.token();
      if (token === null) {
        opts.handlers.state?.('retrying', new ApiError('unauthorized', 'Sign in with the management token first', [], 401));
        return;
      }
      opts.handlers.state?.('connecting');
      let error: ApiError | undefined;
      try {
        const res = await opts.fetch(`${opts.origin}/manage/stream/${opts.name}`, {
          headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
          credentials: 'omit',
          cache: 'no-store',
          signal: abort.signal,
        });
        if (res.status === 401) {
          opts.handlers.state?.('retrying', new ApiError('unauthorized', 'The management token is no longer accepted', [], 401));
          return;
        }
        if (!res.ok || !res.body) throw new ApiError('stream_failed', `The live feed answered ${res.status}`, [], res.status);
        await readEvents(res.body, (data) => {
          backoff = 500;
          opts.handlers.state?.('live');
          opts.handlers.value(JSON.parse(data) as AdminSubscriptionValues[S]);
        });
      } catch (err) {
        if (abort.signal.aborted) return;
        error = err instanceof ApiError ? err : new ApiError('network_error', `Lost the live feed from ${opts.origin}`);
      }
      if (abort.signal.aborted) return;
      opts.handlers.state?.('retrying', error ?? new ApiError('network_error', 'The live feed ended'));
      await new Promise((resolve) => setTimeout(resolve, backoff));
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    }
  };
  void connect();
  return () => abort.abort();
}

/** Calls `onData` with the data of every `snapshot` event until the stream ends. */
async function readEvents(body: ReadableStream<Uint8Array>, onData: (data: string) => void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true }).replace(/\r\n/g, '\n');
    let end: number;
    while ((end = buffer.indexOf('\n\n')) !== -1) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of frame.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      if (event === 'snapshot' && data.length > 0) onData(data.join('\n'));
    }
  }
}
