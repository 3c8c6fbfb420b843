// OpenAI's rate-limit headers, so SDKs and tools that already understand OpenAI back off correctly:
// x-ratelimit-{limit,remaining,reset}-{requests,tokens} on every answer a limit applies to, and
// Retry-After (seconds) plus retry-after-ms (which the openai SDKs read first) on a 429.
import type { LimitUnit } from './policy.ts';

export interface UnitState {
  unit: LimitUnit;
  limit: number;
  remaining: number;
  resetMs: number;
}

export function rateLimitHeaders(states: UnitState[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const unit of ['requests', 'tokens'] as const) {
    // Several limits of one unit (the token's and the shared one): report the tightest.
    let tightest: UnitState | null = null;
    for (const state of states) {
      if (state.unit !== unit) continue;
      if (!tightest || state.remaining < tightest.remaining || (state.remaining === tightest.remaining && state.resetMs > tightest.resetMs)) tightest = state;
    }
    if (!tightest) continue;
    headers[`x-ratelimit-limit-${unit}`] = String(tightest.limit);
    headers[`x-ratelimit-remaining-${unit}`] = String(Math.max(0, tightest.remaining));
    headers[`x-ratelimit-reset-${unit}`] = formatReset(tightest.resetMs);
  }
  return headers;
}

export function retryHeaders(retryAfterMs: number): Record<string, string> {
  const ms = Math.max(0, Math.ceil(retryAfterMs));
  return { 'retry-after': String(Math.max(1, Math.ceil(ms / 1000))), 'retry-after-ms': String(ms) };
}

/** OpenAI's duration style: `250ms`, `1s`, `12.5s`, `6m0s`. */
export function formatReset(ms: number): string {
  if (ms <= 0) return '0s';
  if (ms < 1000) return `${Math.ceil(ms)}ms`;
  const seconds = Math.round(ms / 100) / 10;
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}m${Math.round((seconds - minutes * 60) * 10) / 10}s`;
}

/** "12s", "1m30s": for messages. */
export function describeWait(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  return seconds <= 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m${seconds % 60}s`;
}
