// A named admin's token: `llmp_admin_` + 32 random bytes (43 base64url characters, 256 bits). The prefix
// tells it apart from a proxy token (`llmp_<hex id>…`) and the management token (`llmp_mgmt_…`), so
// the management door only looks up what can be an admin's token; only its keyed hash is stored.
import { randomBytes } from 'node:crypto';

export const ADMIN_TOKEN_PREFIX = 'llmp_admin_';
/** How the audit trail names a named admin: `admin:<name>`. */
export const ADMIN_ACTOR_PREFIX = 'admin:';
const ADMIN_TOKEN_PATTERN = /^llmp_admin_[A-Za-z0-9_-]{43}$/;

export function mintAdminToken(): { token: string; last4: string } {
  const token = ADMIN_TOKEN_PREFIX + randomBytes(32).toString('base64url');
  return { token, last4: token.slice(-4) };
}

export function looksLikeAdminToken(text: string): boolean {
  return ADMIN_TOKEN_PATTERN.test(text);
}

export function maskAdminToken(last4: string): string {
  return `${ADMIN_TOKEN_PREFIX}…${last4}`;
}
