// UUIDv7 ids: sortable by creation time, and the time can be read back from the id.
import { randomUUID } from 'node:crypto';
import { v7 as uuidv7, validate } from 'uuid';

export function newId(now?: number): string {
  return now === undefined ? uuidv7() : uuidv7({ msecs: now });
}

/**
 * A UUIDv7 for a request: the time in the first 48 bits, the rest from randomUUID, which draws from a
 * buffered pool of random bytes (no syscall per id; the uuid package refills its 256-byte pool every
 * 16 ids). No ordering within a millisecond: a request id is never sorted on.
 */
export function newRequestId(now: number = Date.now()): string {
  const hex = Math.max(0, Math.floor(now)).toString(16).padStart(12, '0').slice(-12);
  // randomUUID: xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx; keep everything after the version digit.
  return `${hex.slice(0, 8)}-${hex.slice(8)}-7${randomUUID().slice(15)}`;
}

export function isUuid(value: string): boolean {
  return validate(value);
}

/** The creation time (ms since epoch) held in the first 48 bits of a UUIDv7. */
export function timeOfId(id: string): Date {
  const hex = id.replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/i.test(hex) || hex[12] !== '7') {
    throw new Error('not a UUIDv7');
  }
  return new Date(parseInt(hex.slice(0, 12), 16));
}

/** A client's own X-Request-ID when it is safe to echo and log; otherwise null (a new id is made). */
export function validRequestId(value: string | string[] | undefined): string | null {
  return typeof value === 'string' && /^[\w.:-]{1,128}$/.test(value) ? value : null;
}
