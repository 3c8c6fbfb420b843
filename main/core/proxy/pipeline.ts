// The proxy as an ordered list of passes. A behaviour of the request path is a pass with a name and
// its own test, not an edit of the proxy loop:
//
// - request passes run once, in order, before the upstream is called: they authenticate, read and
//   rewrite the body, refuse (throw a ProxyRefusal or ProxyError) or answer themselves (return
//   'answered', e.g. a cache hit);
// - attempt passes run before each upstream attempt, once its key is chosen (the credential swap);
// - response passes see the upstream's status and headers before the client does (onHeaders) and
//   settle the request once the answer is over (onEnd: accounting, cache store, limits);
// - stream passes tap the answer's body as it flows to the client (usage extraction, cache capture).
//
// A pass that throws anything but a ProxyError/ProxyRefusal fails the request with `pass_failed`
// (500, before any byte was sent; after that, the stream ends with an error event or the connection
// is cut, so a half answer never looks complete). The pass's name goes to the log, never to the client.
import { ProxyError } from './errors.ts';
import { ProxyRefusal, type ProxyExchange } from './exchange.ts';
import type { ForwardResult, ResponseHead, StreamTap } from './answer.ts';

export type { ResponseHead, StreamTap } from './answer.ts';
import type { UpstreamKey } from '../tokens/upstream.ts';

export type PassOutcome = void | 'answered';

export interface RequestPass {
  readonly name: string;
  onRequest(x: ProxyExchange): PassOutcome | Promise<PassOutcome>;
}

export interface AttemptPass {
  readonly name: string;
  onAttempt(x: ProxyExchange, key: UpstreamKey): void;
}

export interface ResponsePass {
  readonly name: string;
  /** Before the client sees the status and headers. */
  onHeaders?(x: ProxyExchange, head: ResponseHead): void;
  /** After the answer ended (complete, failed or abandoned); must not throw or wait. */
  onEnd?(x: ProxyExchange, result: ForwardResult): void;
}

export interface StreamPass {
  readonly name: string;
  /** A tap for this answer's body, or null when the pass has nothing to read in it. */
  onStream(x: ProxyExchange, head: ResponseHead): StreamTap | null;
}

export interface Pipeline {
  request: readonly RequestPass[];
  attempt: readonly AttemptPass[];
  response: readonly ResponsePass[];
  stream: readonly StreamPass[];
}

/** Names the failing pass for the log; the client sees only the code. */
export class PassFailure extends ProxyError {
  constructor(
    readonly pass: string,
    cause: unknown,
  ) {
    super('pass_failed', undefined, { cause });
  }
}

function guard(pass: string, err: unknown): never {
  if (err instanceof ProxyError || err instanceof ProxyRefusal) throw err;
  throw new PassFailure(pass, err);
}

/** Runs the request passes in order; true when one of them answered the client itself. */
export async function runRequestPasses(passes: readonly RequestPass[], x: ProxyExchange): Promise<boolean> {
  for (const pass of passes) {
    let outcome: PassOutcome | Promise<PassOutcome>;
    try {
      outcome = pass.onRequest(x);
      // Most passes are synchronous: awaiting only promises keeps them free of a microtask each.
      if (outcome instanceof Promise) outcome = await outcome;
    } catch (err) {
      guard(pass.name, err);
    }
    if (outcome === 'answered') return true;
  }
  return false;
}

export function runAttemptPasses(passes: readonly AttemptPass[], x: ProxyExchange, key: UpstreamKey): void {
  for (const pass of passes) {
    try {
      pass.onAttempt(x, key);
    } catch (err) {
      guard(pass.name, err);
    }
  }
}

export function runHeaderPasses(passes: readonly ResponsePass[], x: ProxyExchange, head: ResponseHead): void {
  for (const pass of passes) {
    if (!pass.onHeaders) continue;
    try {
      pass.onHeaders(x, head);
    } catch (err) {
      guard(pass.name, err);
    }
  }
}

/** Settles the request; a pass that throws here is logged and skipped, the others still run. */
export function runEndPasses(passes: readonly ResponsePass[], x: ProxyExchange, result: ForwardResult, onError: (pass: string, err: unknown) => void): void {
  for (const pass of passes) {
    if (!pass.onEnd) continue;
    try {
      pass.onEnd(x, result);
    } catch (err) {
      onError(pass.name, err);
    }
  }
}

/** The taps of this answer, each guarded so a throwing tap fails the request with its pass's name. */
export function openTaps(passes: readonly StreamPass[], x: ProxyExchange, head: ResponseHead): StreamTap[] {
  const taps: StreamTap[] = [];
  for (const pass of passes) {
    let tap: StreamTap | null;
    try {
      tap = pass.onStream(x, head);
    } catch (err) {
      guard(pass.name, err);
    }
    if (!tap) continue;
    const inner = tap;
    taps.push({
      write(chunk) {
        try {
          inner.write(chunk);
        } catch (err) {
          guard(pass.name, err);
        }
      },
      end() {
        try {
          inner.end();
        } catch (err) {
          guard(pass.name, err);
        }
      },
    });
  }
  return taps;
}
