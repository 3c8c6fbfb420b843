// UUIDv7 ids: sortable by creation time, and the time can be read back from the id.
import { v7 as uuidv7, validate } from 'uuid';

export function newId(now?: number): string {
  return now === undefined ? uuidv7() : uuidv7({ msecs: now });
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
