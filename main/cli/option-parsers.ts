// Option value parsers: a bad value is a usage error (exit 2) reported by commander with the option's name.

import { InvalidArgumentError } from 'commander';

export function wholeNumber(min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}.`);
    }
    return n;
  };
}

/** `a, b*` → ['a', 'b*'] */
export function commaList(value: string): string[] {
  const items = value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  if (items.length === 0) throw new InvalidArgumentError('must name at least one item (comma-separated).');
  return items;
}

/** Any date the JS Date parser reads (2025-01-31, 2025-01-31T12:00:00Z, ...), sent as ISO 8601 UTC. */
export function isoTime(value: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new InvalidArgumentError('must be a date or time such as 2025-01-31 or 2025-01-31T12:00:00Z.');
  return new Date(ms).toISOString();
}

/** Wrapped, because commander would turn a parser's null into a missing value. */
export interface Nullable<T> {
  value: T | null;
}

/**
 * A per-minute limit: a whole number (0 = no limit), or `keyword` for null (a token's `inherit`: its
 * project's default; a project's `none`).
 */
export function limitOr(keyword: string, max = 1_000_000_000_000) {
  const number = wholeNumber(0, max);
  return (value: string): Nullable<number> => {
    if (value.trim().toLowerCase() === keyword) return { value: null };
    try {
      return { value: number(value) };
    } catch {
      throw new InvalidArgumentError(`must be a whole number from 0 to ${max} (0 = no limit) or "${keyword}".`);
    }
  };
}

/** A budget in USD (more than 0, at most 1e9), or `keyword` for null (no budget). */
export function usdOr(keyword: string) {
  return (value: string): Nullable<number> => {
    if (value.trim().toLowerCase() === keyword) return { value: null };
    const n = /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : NaN;
    if (!(n > 0 && n <= 1_000_000_000))
      throw new InvalidArgumentError(`must be an amount in USD above 0 and at most 1000000000 (e.g. 5 or 0.25), or "${keyword}".`);
    return { value: n };
  };
}

/** A shared limit key, or `default` (null: the upstream key's fingerprint). */
export function sharedLimitKey(value: string): Nullable<string> {
  const key = value.trim();
  if (key.toLowerCase() === 'default') return { value: null };
  if (!/^[\w.:-]{1,100}$/.test(key)) throw new InvalidArgumentError('must be 1 to 100 letters, digits or . _ - : (or "default").');
  return { value: key };
}
