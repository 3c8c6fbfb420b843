// The fields the observability exporters (OTLP, Helicone) read from a stored event's JSON payload, read
// defensively: an event written by an older or newer build may lack a field or carry more.
import type { CacheStatus } from './request-event.ts';

export interface ExportedEvent {
  id: string;
  requestId: string;
  /** Epoch ms when the request arrived. */
  time: number;
  projectId: string | null;
  tokenId: string | null;
  method: string;
  path: string;
  model: string | null;
  /** The model the answer names, when an event carries it. */
  responseModel: string | null;
  status: number;
  latencyMs: number;
  upstreamMs: number | null;
  promptTokens: number | null;
  completionTokens: number | null;
  /** USD; null when unpriced or recorded before prices existed. */
  costUsd: number | null;
  cache: CacheStatus | null;
  errorCode: string | null;
  streamed: boolean;
  aborted: boolean;
  upstreamKeyId: string | null;
  attempts: number;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** null for a payload that is not an event object (it is skipped, not retried forever). */
export function readExportedEvent(payload: string): ExportedEvent | null {
  let raw: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(payload);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
    raw = parsed as Record<string, unknown>;
  } catch {
    return null;
  }
  const id = str(raw.id);
  const time = Date.parse(str(raw.time) ?? '');
  if (!id || Number.isNaN(time)) return null;
  return {
    id,
    requestId: str(raw.request_id) ?? id,
    time,
    projectId: str(raw.project_id),
    tokenId: str(raw.token_id),
    method: str(raw.method) ?? 'POST',
    path: str(raw.path) ?? '',
    model: str(raw.model),
    responseModel: str(raw.response_model),
    status: num(raw.status) ?? 0,
    latencyMs: Math.max(0, num(raw.latency_ms) ?? 0),
    upstreamMs: num(raw.upstream_ms),
    promptTokens: num(raw.prompt_tokens),
    completionTokens: num(raw.completion_tokens),
    costUsd: num(raw.cost_usd),
    cache: raw.cache === 'hit' || raw.cache === 'miss' || raw.cache === 'bypass' ? raw.cache : null,
    errorCode: str(raw.error),
    streamed: raw.streamed === true,
    aborted: raw.aborted === true,
    upstreamKeyId: str(raw.upstream_key_id),
    attempts: num(raw.attempts) ?? 0,
  };
}

/** The GenAI operation a proxied path performs (`gen_ai.operation.name`); null for the others (models, files…). */
export function genAiOperation(path: string): string | null {
  if (path.endsWith('/chat/completions') || path.endsWith('/messages') || path.endsWith('/responses')) return 'chat';
  if (path.endsWith('/completions')) return 'text_completion';
  if (path.endsWith('/embeddings')) return 'embeddings';
  return null;
}
