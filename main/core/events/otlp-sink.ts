// Delivers request events as OpenTelemetry spans to an OTLP/HTTP traces endpoint (JSON encoding), through
// the official exporter. A batch is acknowledged once the collector accepted the whole export; otherwise
// the delivery loop retries it (the exporter's own retries on 429/502/503/504 and network errors stay
// inside one attempt, bounded by the timeout). Errors name a status or a code, never the endpoint or the
// headers (which may hold an API key).
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import type { Provider } from '../store/types.ts';
import { version } from '../version.ts';
import { DeliveryError, type EventSink } from './delivery.ts';
import { readExportedEvent } from './export-fields.ts';
import { requestSpan } from './otlp-spans.ts';
import { safeUrl } from './webhook-sink.ts';

export interface OtlpSinkOptions {
  /** The traces endpoint, e.g. http://127.0.0.1:4318/v1/traces. */
  url: string;
  headers?: Record<string, string>;
  serviceName?: string;
  timeoutMs?: number;
  /** The provider of a project (`gen_ai.system`); null when unknown. */
  providerOf: (projectId: string) => Promise<Provider | null>;
}

type ExportResult = Parameters<Parameters<OTLPTraceExporter['export']>[1]>[0];
/** ExportResultCode.SUCCESS of @opentelemetry/core. */
const SUCCESS = 0;

export class OtlpSink implements EventSink {
  readonly name = 'otlp';
  readonly kind = 'otlp' as const;
  readonly target: string;
  private readonly exporter: OTLPTraceExporter;
  private readonly resource: Resource;

  constructor(private readonly opts: OtlpSinkOptions) {
    this.target = safeUrl(opts.url);
    this.exporter = new OTLPTraceExporter({ url: opts.url, headers: { ...opts.headers }, timeoutMillis: opts.timeoutMs ?? 10_000, keepAlive: true });
    this.resource = resourceFromAttributes({ 'service.name': opts.serviceName ?? 'llm-proxy', 'service.version': version });
  }

  async deliver(payloads: string[]): Promise<void> {
    const events = payloads.map(readExportedEvent).filter((e) => e !== null);
    if (events.length === 0) return;
    const providers = new Map<string, Provider | null>();
    for (const id of new Set(events.map((e) => e.projectId).filter((p) => p !== null))) providers.set(id, await this.opts.providerOf(id));
    const spans = events.map((e) => requestSpan(e, e.projectId === null ? null : (providers.get(e.projectId) ?? null), this.resource));
    const result = await new Promise<ExportResult>((resolve) => this.exporter.export(spans, resolve));
    if (result.code !== SUCCESS) throw new DeliveryError(exportError(result.error));
  }

  async close(): Promise<void> {
    await this.exporter.shutdown().catch(() => undefined);
  }
}

/** `HTTP 503`, `ECONNREFUSED`, `timeout`: never the error's message, which may quote the URL. */
function exportError(err: unknown): string {
  const e = err as { code?: unknown; name?: unknown; message?: unknown } | undefined;
  if (typeof e?.code === 'number') return `HTTP ${e.code}`;
  if (typeof e?.code === 'string') return e.code;
  if (typeof e?.message === 'string' && /timed out|timeout/i.test(e.message)) return 'timeout';
  return typeof e?.name === 'string' ? e.name : 'export failed';
}
