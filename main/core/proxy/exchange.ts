// One request on its way through the proxy: what the client sent, what the passes have decided so far,
// and what goes upstream. Passes (./passes) read and fill it in order; the runner (./pipeline.ts) and
// forward (./forward.ts) send it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { CacheMiss } from '../cache/response-cache.ts';
import type { RequestTrace } from '../events/request-trace.ts';
import type { LimitTicket } from '../limits/request-limits.ts';
import type { BudgetClaim } from '../money/budgets.ts';
import type { Authenticated } from '../tokens/token-gate.ts';
import type { UpstreamKey } from '../tokens/upstream.ts';
import type { ProxyError, ProxyErrorCode } from './errors.ts';
import type { AnswerRewrite } from './answer.ts';
import type { Endpoint, ProviderDefinition } from './providers.ts';
import type { Usage } from './usage.ts';

export interface ProxyExchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly requestId: string;
  readonly method: string;
  readonly path: string;
  /** The query string; model-listing may widen it (a whole catalogue in one page). */
  search: string | undefined;
  readonly trace: RequestTrace;
  /** The token and its project (authenticate). */
  auth: Authenticated | null;
  provider: ProviderDefinition | null;
  endpoint: Endpoint | null;
  /** As it will be sent: a Buffer (possibly re-encoded from `json`), an upload stream, or nothing. */
  body: Buffer | Readable | null;
  /** The parsed JSON body; a pass that edits it sets `jsonChanged` and encode-body re-serialises it once. */
  json: Record<string, unknown> | null;
  jsonChanged: boolean;
  /** The model the request will use (after aliases and the default model). */
  model: string | null;
  /** The model the client asked for, when a transformation replaced it. */
  requestedModel: string | null;
  /** The upstream request's headers (cleaned, then rewritten); each attempt adds its key's credential. */
  upstreamHeaders: Record<string, string>;
  /** The proxy's own headers for the client's answer (rate limits, cache status); they win over the upstream's. */
  responseHeaders: Record<string, string>;
  /** The cache miss to store the answer into (response-cache). */
  cacheMiss: CacheMiss | null;
  /** Rate-limit slot, settled when the answer ends (rate-limits). */
  ticket: LimitTicket | null;
  /** The budgets the answer's cost is charged to (budget-claim). */
  budget: BudgetClaim | null;
  /** The upstream key of the current attempt. */
  key: UpstreamKey | null;
  /** Upstream attempts made (1, or 2 after a failover). */
  attempts: number;
  usage: Usage | null;
  /** Replaces the upstream's answer before the client sees it (model-listing: the token's catalogue). */
  rewriteAnswer: AnswerRewrite | null;
}

export function newExchange(
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
  trace: RequestTrace,
  path: string,
  search: string | undefined,
): ProxyExchange {
  return {
    req,
    res,
    requestId,
    method: req.method ?? 'GET',
    path,
    search,
    trace,
    auth: null,
    provider: null,
    endpoint: null,
    body: null,
    json: null,
    jsonChanged: false,
    model: null,
    requestedModel: null,
    upstreamHeaders: {},
    responseHeaders: {},
    cacheMiss: null,
    ticket: null,
    budget: null,
    key: null,
    attempts: 0,
    usage: null,
    rewriteAnswer: null,
  };
}

/**
 * A request turned away by a pass: audited (`proxy.refused`, with `details`), recorded as an event,
 * answered with the code's status and `headers`. Any other ProxyError is a failure, not a refusal.
 */
export class ProxyRefusal extends Error {
  readonly details: Record<string, unknown>;
  readonly headers: Record<string, string> | undefined;
  /** Replaces the code's fixed message in the answer (never a credential). */
  readonly answerMessage: string | undefined;

  constructor(
    readonly code: ProxyErrorCode,
    options: { details?: Record<string, unknown>; headers?: Record<string, string>; message?: string } = {},
  ) {
    super(code);
    this.name = 'ProxyRefusal';
    this.details = options.details ?? {};
    this.headers = options.headers;
    this.answerMessage = options.message;
  }
}

export type { ProxyError };
