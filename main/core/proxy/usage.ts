// Token usage read from an upstream response while its bytes pass through to the client, untouched:
// the tap only copies what it needs (a bounded JSON body, or SSE lines) and parses at the end.
import { scanTopLevelMember, type JsonValueScanner } from './json-value-scanner.ts';
import { createSseEventParser } from './sse-events.ts';

/** Named like the token row's counters (store/types.ts). */
export interface Usage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  /** Parts of promptTokens, present when the provider reports them (they are priced apart). */
  cachedInputTokens?: number;
  cacheWriteTokens?: number;
  /** Part of completionTokens, present when reported. */
  reasoningTokens?: number;
}

export interface UsageTap {
  write(chunk: Buffer): void;
  /** Usage found in the response, or null when it had none (or could not be read). */
  end(): Usage | null;
}

/** JSON bodies up to this size are parsed whole; bigger ones are scanned for their top-level `usage`. */
export const MAX_JSON_USAGE_BYTES = 8 * 1024 * 1024;

/** A `usage` object is a few hundred bytes; one bigger than this is not a usage report. */
const MAX_USAGE_VALUE_BYTES = 64 * 1024;

interface Counts {
  input?: number;
  output?: number;
  cacheRead?: number;
  cacheWrite?: number;
  reasoning?: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** Reads one `usage` object: OpenAI (prompt/completion) or Anthropic and Responses API (input/output). */
function detail(details: unknown, name: string): number | undefined {
  return isRecord(details) ? count(details[name]) : undefined;
}

function countsOf(usage: unknown): Counts {
  if (!isRecord(usage)) return {};
  const prompt = count(usage.prompt_tokens);
  const completion = count(usage.completion_tokens);
  if (prompt !== undefined || completion !== undefined) {
    return {
      input: prompt,
      output: completion,
      cacheRead: detail(usage.prompt_tokens_details, 'cached_tokens'),
      reasoning: detail(usage.completion_tokens_details, 'reasoning_tokens'),
    };
  }
  let input = count(usage.input_tokens);
  // Anthropic counts cache writes and reads apart from input_tokens; OpenAI's prompt_tokens include
  // cached tokens. Summing keeps "prompt tokens" meaning the same for both providers.
  const cacheWrite = count(usage.cache_creation_input_tokens);
  const cacheRead = count(usage.cache_read_input_tokens);
  if (input !== undefined && (cacheWrite !== undefined || cacheRead !== undefined)) {
    input += (cacheWrite ?? 0) + (cacheRead ?? 0);
  }
  return {
    input,
    output: count(usage.output_tokens),
    // Anthropic's cache fields, or the Responses API's details.
    cacheRead: cacheRead ?? detail(usage.input_tokens_details, 'cached_tokens'),
    cacheWrite,
    reasoning: detail(usage.output_tokens_details, 'reasoning_tokens'),
  };
}

/**
 * Usage carried by one response body or SSE event:
 * - `usage` at the top: OpenAI bodies and final stream chunk, Anthropic bodies and `message_delta`;
 * - Anthropic `message_start`: `message.usage`;
 * - Responses API `response.completed` (and other `response.*` events): `response.usage`.
 */
function countsInPayload(payload: unknown): Counts {
  if (!isRecord(payload)) return {};
  if (isRecord(payload.usage)) return countsOf(payload.usage);
  if (isRecord(payload.message)) return countsOf(payload.message.usage);
  if (isRecord(payload.response)) return countsOf(payload.response.usage);
  return {};
}

/** Later reports win: Anthropic's `message_delta` output count is cumulative and replaces the start's. */
function merge(into: Counts, next: Counts): void {
  if (next.input !== undefined) into.input = next.input;
  if (next.output !== undefined) into.output = next.output;
  if (next.cacheRead !== undefined) into.cacheRead = next.cacheRead;
  if (next.cacheWrite !== undefined) into.cacheWrite = next.cacheWrite;
  if (next.reasoning !== undefined) into.reasoning = next.reasoning;
}

function toUsage(counts: Counts): Usage | null {
  if (counts.input === undefined && counts.output === undefined) return null;
  const promptTokens = counts.input ?? 0;
  const completionTokens = counts.output ?? 0;
  const usage: Usage = { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens };
  // Parts never exceed their whole, whatever an upstream reports.
  if (counts.cacheRead) usage.cachedInputTokens = Math.min(counts.cacheRead, promptTokens);
  if (counts.cacheWrite) usage.cacheWriteTokens = Math.min(counts.cacheWrite, promptTokens - (usage.cachedInputTokens ?? 0));
  if (counts.reasoning) usage.reasoningTokens = Math.min(counts.reasoning, completionTokens);
  return usage;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined; // invalid JSON is the client's to see; it just has no usage for us
  }
}

/**
 * Buffers and parses a JSON body up to `maxBytes`; past that, stops buffering and scans the bytes for the
 * top-level `usage` member instead (OpenAI and Anthropic put it last), so a huge answer is still counted.
 */
function jsonTap(maxBytes: number): UsageTap {
  let chunks: Buffer[] = [];
  let size = 0;
  let scanner: JsonValueScanner | null = null;
  return {
    write(chunk) {
      if (scanner) return scanner.write(chunk);
      size += chunk.length;
      if (size > maxBytes) {
        scanner = scanTopLevelMember('usage', MAX_USAGE_VALUE_BYTES);
        for (const kept of chunks) scanner.write(kept);
        scanner.write(chunk);
        chunks = [];
        return;
      }
      chunks.push(Buffer.from(chunk)); // copied: the original goes on to the client
    },
    end() {
      if (scanner) {
        const usage = scanner.value();
        return usage === null ? null : toUsage(countsOf(parseJson(usage)));
      }
      return toUsage(countsInPayload(parseJson(Buffer.concat(chunks, size).toString('utf8'))));
    },
  };
}

function sseTap(): UsageTap {
  const counts: Counts = {};
  const parser = createSseEventParser((data) => {
    // Most chunks carry no usage at all; skip the JSON parse for them. `[DONE]` ends OpenAI streams.
    if (data === '[DONE]' || !data.includes('"usage"')) return;
    merge(counts, countsInPayload(parseJson(data)));
  });
  return {
    write: (chunk) => parser.write(chunk),
    end() {
      parser.end();
      return toUsage(counts);
    },
  };
}

const noUsageTap: UsageTap = { write() {}, end: () => null };

/** A tap for the upstream's `content-type`: JSON bodies, SSE streams, or nothing to read. */
export function createUsageTap(contentType: string | undefined, maxJsonBytes = MAX_JSON_USAGE_BYTES): UsageTap {
  const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (mediaType === 'text/event-stream') return sseTap();
  if (mediaType === 'application/json' || mediaType.endsWith('+json')) return jsonTap(maxJsonBytes);
  return noUsageTap;
}

/**
 * For an OpenAI `/v1/chat/completions` or `/v1/completions` request body with `stream: true`:
 * asks for a final usage chunk (`stream_options.include_usage = true`), because without it a
 * streamed call reports no usage at all. A client's explicit `include_usage` (true or false) is
 * respected. Returns whether the body changed, so the caller re-serialises only then.
 * (Anthropic streams and the Responses API always report usage; do not call it for them.)
 */
export function ensureStreamUsage(body: Record<string, unknown>): boolean {
  if (body.stream !== true) return false;
  const options = body.stream_options;
  if (options === undefined || options === null) {
    body.stream_options = { include_usage: true };
    return true;
  }
  // A malformed stream_options is left for the upstream to refuse with its own message.
  if (!isRecord(options) || options.include_usage !== undefined) return false;
  body.stream_options = { ...options, include_usage: true };
  return true;
}
