// The management door's sign-in: the management token (compared in constant time; it acts as the first
// owner) or a named admin's token, found by its keyed hash in the store at every call — so an admin who
// was removed, or whose token was rotated, is refused on the next call by every instance sharing the store.
// A failed sign-in is tallied in the audit trail (the first per source and minute at once, the rest as one
// row with a count), so a flood of guesses is visible without growing the database by a row per guess.
import type { FastifyRequest } from 'fastify';
import type { AuditLog } from '../audit/audit-log.ts';
import { bearerOf } from '../bearer.ts';
import { AppError } from '../errors.ts';
import type { AdminRepository, AdminRole } from '../store/types.ts';
import { ADMIN_ACTOR_PREFIX, looksLikeAdminToken } from '../tokens/admin-token.ts';
import { secretsEqual, type TokenHasher } from '../tokens/format.ts';

/** Who is calling the management API. */
export interface ManagementCaller {
  /** `management` or `admin:<name>`, as the audit trail names them. */
  actor: string;
  role: AdminRole;
  /** An operator's projects; null = every project. */
  projectIds: readonly string[] | null;
  adminId: string | null;
}

/** Shorter management tokens are refused at start: they could be guessed over the network. */
export const MIN_MANAGEMENT_TOKEN_LENGTH = 32;

export interface ManagementAuthDeps {
  managementToken: string;
  admins: Pick<AdminRepository, 'getByTokenHash'>;
  hash: TokenHasher;
  audit: Pick<AuditLog, 'tally'>;
}

export function createManagementAuth(deps: ManagementAuthDeps): (req: FastifyRequest) => Promise<ManagementCaller> {
  return async (req) => {
    const presented = bearerOf(req.raw);
    if (presented && secretsEqual(presented, deps.managementToken)) return { actor: 'management', role: 'owner', projectIds: null, adminId: null };
    if (presented && looksLikeAdminToken(presented)) {
      const admin = await deps.admins.getByTokenHash(deps.hash(presented));
      if (admin)
        return { actor: ADMIN_ACTOR_PREFIX + admin.name, role: admin.role, projectIds: admin.role === 'operator' ? admin.projectIds : null, adminId: admin.id };
    }
    deps.audit.tally({
      actor: 'anonymous',
      action: 'auth.failed',
      outcome: 'denied',
      targetType: 'management',
      clientIp: req.ip ?? null,
      details: { reason: presented ? 'wrong_token' : 'no_token' },
    });
    throw new AppError('unauthorized', 'A valid management token is required (Authorization: Bearer <management token or admin token>)');
  };
}
