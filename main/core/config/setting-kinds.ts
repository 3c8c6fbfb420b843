// The kinds of value a setting takes (whole numbers in a range, on/off, host lists, URLs, header lists)
// as they arrive from flags, env vars and the config file.
import { z } from 'zod';

/** Largest delay Node timers accept; larger values silently become 1 ms. */
export const MAX_TIMER_MS = 2_147_483_647;

/** Env and flag values arrive as strings; whole numbers are converted, anything else fails the number check. */
export function integer(min: number, max: number) {
  const message = `must be a whole number from ${min} to ${max}`;
  return z.preprocess(
    (value) => (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value),
    z.number({ error: message }).int({ error: message }).min(min, { error: message }).max(max, { error: message }),
  );
}

/** A comma-separated list in env and flags, a JSON array in the config file. */
export const hostList = z.preprocess(
  (value) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((part) => part.trim())
          .filter(Boolean)
      : value,
  z.array(z.string({ error: 'must be a list of host names' }).regex(/^[^\s/,]+$/, { error: 'must be host names without scheme, path or spaces' }), {
    error: 'must be a comma-separated list of host names',
  }),
);

/** On/off: `true`/`false` (also 1/0, yes/no, on/off) in env, a JSON boolean in the config file, a bare flag. */
export function onOff() {
  const words: Record<string, boolean> = { true: true, '1': true, yes: true, on: true, false: false, '0': false, no: false, off: false };
  return z.preprocess(
    (value) => (typeof value === 'string' ? (words[value.trim().toLowerCase()] ?? value) : value),
    z.boolean({ error: 'must be true or false' }),
  );
}

export const LETS_ENCRYPT_DIRECTORY = 'https://acme-v02.api.letsencrypt.org/directory';

/** redis:// or rediss:// (TLS), optionally with user, password and database number. */
export function isRedisUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'redis:' || url.protocol === 'rediss:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/** http:// or https://, for the event webhook. */
export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

export const HELICONE_LOG_URL = 'https://api.worker.helicone.ai/custom/v1/log';

/** `name=value,name2=value2` in env and flags (values may be percent-encoded), an object in the config file. */
export const headerList = z.preprocess(
  (value) => {
    if (typeof value !== 'string') return value;
    const pairs = value
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean)
      .map((part) => {
        const eq = part.indexOf('=');
        if (eq <= 0) return null;
        try {
          return [part.slice(0, eq).trim(), decodeURIComponent(part.slice(eq + 1).trim())] as const;
        } catch {
          return null;
        }
      });
    return pairs.some((p) => p === null) ? value : Object.fromEntries(pairs as (readonly [string, string])[]);
  },
  z.record(
    z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, { error: 'must be header names' }),
    z.string().regex(/^[\x20-\x7e]*$/, { error: 'must be printable' }),
    {
      error: 'must be name=value pairs separated by commas',
    },
  ),
);

export const nonEmpty = (what: string) => z.string({ error: `must be ${what}` }).min(1, { error: `must be ${what}` });

/** 32 bytes as 64 hex digits or as base64 / base64url. */
export function isDataKey(value: string): boolean {
  if (/^[0-9a-f]{64}$/i.test(value)) return true;
  if (!/^[A-Za-z0-9+/_-]{43}={0,1}$/.test(value)) return false;
  return Buffer.from(value, 'base64').length === 32;
}
