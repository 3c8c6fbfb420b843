// Test support: local receivers for the observability exporters on 127.0.0.1 — an OTLP/HTTP collector
// that decodes JSON trace exports into flat spans, and a Helicone custom-logging endpoint. Each can be
// down (nothing listening on its port) and brought up again on the same port.
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  name: string;
  kind: number;
  startMs: number;
  endMs: number;
  status: { code?: number; message?: string };
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
  scope: string;
}

export interface Receiver<T> {
  url: string;
  /** Everything accepted, in arrival order (duplicates included). */
  received: T[];
  /** Request headers of every accepted call. */
  headers: http.IncomingHttpHeaders[];
  /** Resolves once `done(received)` holds. */
  waitFor(done: (received: T[]) => boolean): Promise<void>;
  /** Stops listening (connections refused) until `up()`. */
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

/** OTLP JSON AnyValue → a plain value (int64s arrive as strings or numbers). */
function anyValue(v: Record<string, unknown>): unknown {
  if ('stringValue' in v) return v.stringValue;
  if ('intValue' in v) return Number(v.intValue);
  if ('doubleValue' in v) return Number(v.doubleValue);
  if ('boolValue' in v) return v.boolValue;
  return v;
}

const attributesOf = (list: unknown) =>
  Object.fromEntries(((list ?? []) as { key: string; value: Record<string, unknown> }[]).map((a) => [a.key, anyValue(a.value)]));

/** Flattens an ExportTraceServiceRequest (JSON encoding) into its spans. */
export function decodeOtlpJson(body: unknown): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  for (const rs of (body as { resourceSpans?: unknown[] }).resourceSpans ?? []) {
    const r = rs as { resource?: { attributes?: unknown }; scopeSpans?: unknown[] };
    const resource = attributesOf(r.resource?.attributes);
    for (const ss of r.scopeSpans ?? []) {
      const s = ss as { scope?: { name?: string }; spans?: Record<string, unknown>[] };
      for (const span of s.spans ?? []) {
        spans.push({
          traceId: String(span.traceId),
          spanId: String(span.spanId),
          name: String(span.name),
          kind: Number(span.kind),
          startMs: Number(BigInt(String(span.startTimeUnixNano)) / 1_000_000n),
          endMs: Number(BigInt(String(span.endTimeUnixNano)) / 1_000_000n),
          status: (span.status ?? {}) as ReceivedSpan['status'],
          attributes: attributesOf(span.attributes),
          resource,
          scope: s.scope?.name ?? '',
        });
      }
    }
  }
  return spans;
}

async function startReceiver<T>(path: string, decode: (body: unknown) => T[]): Promise<Receiver<T>> {
  const waiters: (() => boolean)[] = [];
  const check = () => {
    for (let i = waiters.length - 1; i >= 0; i--) if (waiters[i]!()) waiters.splice(i, 1);
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== path || !String(req.headers['content-type']).startsWith('application/json')) {
        res.writeHead(400).end();
        return;
      }
      receiver.received.push(...decode(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
      receiver.headers.push(req.headers);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      check();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  const stop = async () => {
    if (!server.listening) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  const receiver: Receiver<T> = {
    url: `http://127.0.0.1:${port}${path}`,
    received: [],
    headers: [],
    waitFor: (done) =>
      new Promise<void>((resolve) => {
        if (done(receiver.received)) return resolve();
        waiters.push(() => (done(receiver.received) ? (resolve(), true) : false));
      }),
    down: stop,
    async up() {
      server.listen(port, '127.0.0.1');
      await once(server, 'listening');
    },
    close: stop,
  };
  return receiver;
}

export const startOtlpReceiver = () => startReceiver('/v1/traces', decodeOtlpJson);
/** The parts of a Helicone custom log the tests read. */
export interface HeliconeLogBody {
  providerRequest: { url: string; json: Record<string, unknown>; meta: Record<string, string> };
  providerResponse: { status: number; json: Record<string, unknown> };
  timing: { startTime: { seconds: number; milliseconds: number }; endTime: { seconds: number; milliseconds: number } };
}

export const startHeliconeReceiver = () => startReceiver('/custom/v1/log', (body) => [body as HeliconeLogBody]);
