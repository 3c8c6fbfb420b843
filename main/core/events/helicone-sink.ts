// Logs request events to Helicone through its custom-logging API (POST <url>, `Authorization: Bearer
// <key>`, one log per request: providerRequest / providerResponse / timing), as the Go proxy's Helicone
// dispatcher did — but metadata only: the model, usage, status and timing, never a prompt or an answer.
// Each log carries the event id as `Helicone-Request-Id`, so a batch delivered again (at least once)
// names the same requests. Errors name a status or a code, never the URL or the key.
import { Agent, request, type Dispatcher } from 'undici';
import { version } from '../version.ts';
import { DeliveryError, type EventSink } from './delivery.ts';
import { genAiOperation, readExportedEvent, type ExportedEvent } from './export-fields.ts';
import { safeUrl } from './webhook-sink.ts';

export interface HeliconeSinkOptions {
  url: string;
  apiKey: string;
  timeoutMs?: number;
  /** Logs sent at once within a batch. */
  concurrency?: number;
  dispatcher?: Dispatcher;
}

const timing = (ms: number) => ({ seconds: Math.floor(ms / 1000), milliseconds: Math.round(ms % 1000) });

/** The body Helicone's custom-logging endpoint takes for one request. */
export function heliconeLog(event: ExportedEvent): Record<string, unknown> {
  const meta: Record<string, string> = {
    'Helicone-Request-Id': event.id,
    'Helicone-Property-Request-Id': event.requestId,
    'Helicone-Property-Path': event.path,
  };
  if (event.tokenId) {
    meta['Helicone-User-Id'] = event.tokenId;
    meta['Helicone-Property-Token-Id'] = event.tokenId;
  }
  if (event.projectId) meta['Helicone-Property-Project-Id'] = event.projectId;
  if (event.cache) meta['Helicone-Property-Cache'] = event.cache;
  if (event.costUsd !== null) meta['Helicone-Property-Cost-Usd'] = String(event.costUsd);
  if (event.errorCode) meta['Helicone-Property-Error'] = event.errorCode;
  const usage =
    event.promptTokens === null && event.completionTokens === null
      ? undefined
      : {
          prompt_tokens: event.promptTokens ?? 0,
          completion_tokens: event.completionTokens ?? 0,
          total_tokens: (event.promptTokens ?? 0) + (event.completionTokens ?? 0),
        };
  return {
    providerRequest: {
      url: 'custom-model-nopath',
      json: { model: event.model ?? 'unknown', _type: genAiOperation(event.path) ?? 'request', method: event.method, path: event.path, stream: event.streamed },
      meta,
    },
    providerResponse: {
      json: {
        model: event.responseModel ?? event.model ?? 'unknown',
        ...(usage ? { usage } : {}),
        ...(event.errorCode ? { error: { code: event.errorCode } } : {}),
      },
      status: event.status,
      headers: {},
    },
    timing: { startTime: timing(event.time), endTime: timing(event.time + event.latencyMs) },
  };
}

export class HeliconeSink implements EventSink {
  readonly name = 'helicone';
  readonly kind = 'helicone' as const;
  readonly target: string;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;

  constructor(private readonly opts: HeliconeSinkOptions) {
    this.target = safeUrl(opts.url);
    this.ownsDispatcher = !opts.dispatcher;
    this.dispatcher = opts.dispatcher ?? new Agent({ connections: opts.concurrency ?? 4, keepAliveTimeout: 30_000 });
  }

  async deliver(payloads: string[]): Promise<void> {
    const events = payloads.map(readExportedEvent).filter((e) => e !== null);
    let next = 0;
    const worker = async () => {
      while (next < events.length) await this.send(events[next++]!);
    };
    // All must land: the first failure fails the batch (the loop delivers it again, same request ids).
    await Promise.all(Array.from({ length: Math.min(this.opts.concurrency ?? 4, events.length) }, worker));
  }

  private async send(event: ExportedEvent): Promise<void> {
    const timeout = this.opts.timeoutMs ?? 10_000;
    let res: Dispatcher.ResponseData;
    try {
      res = await request(this.opts.url, {
        method: 'POST',
        dispatcher: this.dispatcher,
        headers: { 'content-type': 'application/json', 'user-agent': `llm-proxy/${version}`, authorization: `Bearer ${this.opts.apiKey}` },
        body: JSON.stringify(heliconeLog(event)),
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
