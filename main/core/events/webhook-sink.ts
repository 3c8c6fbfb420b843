// POSTs batches of events as `{"events": [...]}` to a webhook. Any 2xx acknowledges the batch; anything
// else (or no answer in time) fails it and the delivery loop retries. Errors name a status or a code,
// never the URL, which may carry a secret in its path or query. Redirects are not followed.
import { Agent, request, type Dispatcher } from 'undici';
import { version } from '../version.ts';
import { DeliveryError, type EventSink } from './delivery.ts';

export interface WebhookSinkOptions {
  url: string;
  timeoutMs?: number;
  /** An undici dispatcher of its own by default (closed with the sink); never the global one. */
  dispatcher?: Dispatcher;
}

export class WebhookSink implements EventSink {
  readonly name = 'webhook';
  readonly kind = 'webhook' as const;
  readonly target: string;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;

  constructor(private readonly opts: WebhookSinkOptions) {
    this.target = safeUrl(opts.url);
    this.ownsDispatcher = !opts.dispatcher;
    this.dispatcher = opts.dispatcher ?? new Agent({ connections: 4, keepAliveTimeout: 30_000 });
  }

  async deliver(payloads: string[], batchKey: string): Promise<void> {
    const timeout = this.opts.timeoutMs ?? 10_000;
    let res: Dispatcher.ResponseData;
    try {
      res = await request(this.opts.url, {
        method: 'POST',
        dispatcher: this.dispatcher,
        headers: {
          'content-type': 'application/json',
          'user-agent': `llm-proxy/${version}`,
          // The same on every retry of a batch: lets the receiver drop a batch it already has.
          'idempotency-key': batchKey,
        },
        body: `{"events":[${payloads.join(',')}]}`,
        headersTimeout: timeout,
        bodyTimeout: timeout,
      });
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      throw new DeliveryError(typeof code === 'string' ? code : 'request failed');
    }
    await res.body.dump().catch(() => undefined);
    if (res.statusCode < 200 || res.statusCode >= 300) throw new DeliveryError(`HTTP ${res.statusCode}`);
  }

  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close().catch(() => undefined);
  }
}

/** The URL as shown on screens and in status: scheme and host only (webhook paths often hold a secret). */
export function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname === '/' && !parsed.search ? '/' : '/…'}`;
  } catch {
    return '(invalid URL)';
  }
}
