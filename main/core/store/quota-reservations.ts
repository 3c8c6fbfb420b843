// How much of a limit one durable reservation may take (tokens' max_requests today; money budgets next).
// An instance reserves a block ahead of use and hands it out from memory (../tokens/durable-reservations.ts):
// what it reserved is written before any of it is used, so a crash can only waste reserved units, never
// grant more than the limit. Both databases apply this rule inside one locking transaction.

/**
 * Units granted to a request for `want` when `taken` of `limit` is already reserved or used: all of it
 * while plenty is left; near the end at most half of what is left (at least one), so instances sharing a
 * limit hold little unused between them when it runs out.
 */
export function reservationGrant(want: number, limit: number, taken: number): number {
  const left = limit - taken;
  if (left <= 0 || want <= 0) return 0;
  return Math.min(want, Math.max(1, Math.floor(left / 2)));
}

/** A token's quota columns as both databases read them inside the reservation's transaction. */
export interface QuotaRecord {
  max_requests: number | null;
  request_count: number;
  quota_reserved: number;
}

/**
 * The grant and the new quota_reserved for a token's row (null: nothing to write). The reserved count
 * starts from the used count when it is behind (a token that had no quota when it was used).
 */
export function grantRequests(q: QuotaRecord, want: number): { granted: number; reserved: number | null } {
  if (q.max_requests === null) return { granted: want, reserved: null };
  const taken = Math.max(q.quota_reserved, q.request_count);
  const granted = reservationGrant(want, q.max_requests, taken);
  return { granted, reserved: granted > 0 ? taken + granted : null };
}

/** Unused reservations given back (clean shutdown, an idle holder, a changed token). */
export interface Release {
  tokenId: string;
  amount: number;
}
