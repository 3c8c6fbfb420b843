// One OpenTelemetry span per request event, with the GenAI semantic conventions (gen_ai.*) plus the
// proxy's own fields (llm_proxy.*, cost included). Ids come from the event id, so a span delivered twice
// (at least once) is the same span: the trace id is the event's UUIDv7 (16 bytes, as a trace id is),
// the span id the first 8 bytes of its SHA-256.
import { createHash } from 'node:crypto';
import { SpanKind, SpanStatusCode, TraceFlags, type Attributes, type HrTime } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import type { Provider } from '../store/types.ts';
import { version } from '../version.ts';
import { genAiOperation, type ExportedEvent } from './export-fields.ts';

/** `gen_ai.system` / `gen_ai.provider.name` per provider; OpenAI-compatible servers speak OpenAI's API. */
const GEN_AI_SYSTEM: Record<Provider, string> = {
  openai: 'openai',
  anthropic: 'anthropic',
  'openai-compatible': 'openai',
  azure: 'azure.ai.openai',
};

const hrTime = (ms: number): HrTime => [Math.floor(ms / 1000), Math.round((ms % 1000) * 1e6)];

export function spanIds(eventId: string): { traceId: string; spanId: string } {
  const hex = eventId.replace(/-/g, '').toLowerCase();
  const digest = createHash('sha256').update(eventId).digest('hex');
  // A valid trace id is 32 hex digits, not all zero; anything else gets one derived from the digest.
  const traceId = /^[0-9a-f]{32}$/.test(hex) && !/^0+$/.test(hex) ? hex : digest.slice(32, 64);
  return { traceId, spanId: digest.slice(0, 16) };
}

export function requestSpan(event: ExportedEvent, provider: Provider | null, resource: Resource): ReadableSpan {
  const operation = genAiOperation(event.path);
  const attributes: Attributes = {
    'http.request.method': event.method,
    'url.path': event.path,
    'http.response.status_code': event.status,
    'llm_proxy.request_id': event.requestId,
    'llm_proxy.event_id': event.id,
    'llm_proxy.streamed': event.streamed,
    'llm_proxy.aborted': event.aborted,
    'llm_proxy.attempts': event.attempts,
  };
  const set = (key: string, value: string | number | null) => {
    if (value !== null) attributes[key] = value;
  };
  if (provider) {
    attributes['gen_ai.system'] = GEN_AI_SYSTEM[provider];
    attributes['gen_ai.provider.name'] = GEN_AI_SYSTEM[provider];
  }
  set('gen_ai.operation.name', operation);
  set('gen_ai.request.model', event.model);
  set('gen_ai.response.model', event.responseModel);
  set('gen_ai.usage.input_tokens', event.promptTokens);
  set('gen_ai.usage.output_tokens', event.completionTokens);
  set('llm_proxy.cost_usd', event.costUsd);
  set('llm_proxy.token_id', event.tokenId);
  set('llm_proxy.project_id', event.projectId);
  set('llm_proxy.cache', event.cache);
  set('llm_proxy.upstream_key_id', event.upstreamKeyId);
  set('llm_proxy.upstream_ms', event.upstreamMs);
  set('error.type', event.errorCode ?? (event.status >= 400 ? String(event.status) : null));

  const { traceId, spanId } = spanIds(event.id);
  const failed = event.status >= 500 || event.errorCode !== null;
  return {
    name: operation && event.model ? `${operation} ${event.model}` : `${event.method} ${event.path}`,
    kind: SpanKind.CLIENT,
    spanContext: () => ({ traceId, spanId, traceFlags: TraceFlags.SAMPLED }),
    startTime: hrTime(event.time),
    endTime: hrTime(event.time + event.latencyMs),
    duration: hrTime(event.latencyMs),
    status: failed ? { code: SpanStatusCode.ERROR, message: event.errorCode ?? `HTTP ${event.status}` } : { code: SpanStatusCode.UNSET },
    attributes,
    links: [],
    events: [],
    ended: true,
    resource,
    instrumentationScope: { name: 'llm-proxy', version },
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}
