// The shapes of an upstream answer on its way to the client, shared by forward.ts (which moves the bytes)
// and pipeline.ts (whose passes look at them), so neither imports the other.

export interface ResponseHead {
  status: number;
  /** The headers the client will get; a pass may add, change or remove entries. */
  headers: Record<string, string | string[]>;
  contentType: string | undefined;
}

export interface StreamTap {
  write(chunk: Buffer): void;
  /** The body ended (completely or not); called before the client sees its end. */
  end(): void;
}

/**
 * Replaces a small JSON answer (a token's view of the model catalogue) before the client sees any of
 * it: a new status and JSON body, or null to send the upstream's answer as it came.
 */
export type AnswerRewrite = (answer: { status: number; body: Buffer }) => { status: number; body: Buffer } | null;

export interface ForwardResult {
  /** Status sent to the client (upstream's, or the proxy error's); 499 when the client left first. */
  status: number;
  /** The client went away before the response was complete. */
  aborted: boolean;
  /** The ProxyError code when the exchange failed, else null. */
  errorCode: string | null;
  /** Milliseconds until the upstream's response headers (or until the failure), last attempt. */
  upstreamMs: number;
  /** Body bytes written to the client. */
  bytesOut: number;
  /** The response was an SSE stream. */
  streamed: boolean;
  /** Upstream attempts made: 2 when the first key failed and another one answered. */
  attempts: number;
}
