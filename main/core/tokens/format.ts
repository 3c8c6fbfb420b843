// The withering token's text: `llmp_` + the token's UUIDv7 id (32 hex digits) + 32 random bytes
// (43 base64url characters, 256 bits). The prefix lets people and secret scanners spot a leaked token;
// the id inside tells when it was minted. Only a keyed hash of the whole text is stored.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { newId, timeOfId } from '../ids.ts';

export const TOKEN_PREFIX = 'llmp_';
const TOKEN_PATTERN = /^llmp_([0-9a-f]{32})([A-Za-z0-9_-]{43})$/;

export interface MintedToken {
  id: string;
  token: string;
  last4: string;
}

export function mintToken(now: number): MintedToken {
  const id = newId(now);
  const token = TOKEN_PREFIX + id.replace(/-/g, '') + randomBytes(32).toString('base64url');
  return { id, token, last4: token.slice(-4) };
}

/** The id inside a well-formed token, or null for anything else (cheap rejection before any lookup). */
export function tokenIdOf(token: string): string | null {
  const match = TOKEN_PATTERN.exec(token);
  if (!match?.[1]) return null;
  const hex = match[1];
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** When the token was minted, read back from its UUIDv7 id. */
export function mintedAt(token: string): Date | null {
  const id = tokenIdOf(token);
  return id ? timeOfId(id) : null;
}

export function maskToken(last4: string): string {
  return `${TOKEN_PREFIX}…${last4}`;
}

export type TokenHasher = (token: string) => string;

/** HMAC-SHA-256 under a key derived from the data key: a stolen database alone cannot confirm guesses. */
export function createTokenHasher(key: Buffer): TokenHasher {
  return (token) => createHmac('sha256', key).update(token).digest('hex');
}

/** Constant-time comparison of two secrets of any length (hashing first equalises lengths). */
export function secretsEqual(a: string, b: string): boolean {
  const ha = createHmac('sha256', 'llm-proxy/compare').update(a).digest();
  const hb = createHmac('sha256', 'llm-proxy/compare').update(b).digest();
  return timingSafeEqual(ha, hb);
}
