// The management door's sign-in: the management token, compared in constant time. A failed sign-in is
// tallied in the audit trail (one row per source and minute, with a count), so a flood of guesses is
// visible without growing the database by a row per guess.
import type { FastifyRequest } from 'fastify';
import type { AuditLog } from '../audit/audit-log.ts';
import { bearerOf } from '../bearer.ts';
import { AppError } from '../errors.ts';
import { secretsEqual } from '../tokens/format.ts';

/** Who is calling the management API (a named admin and its role arrive with the teams work). */
export interface ManagementCaller {
  actor: string;
}

/** Shorter management tokens are refused at start: they could be guessed over the network. */
export const MIN_MANAGEMENT_TOKEN_LENGTH = 32;

export function createManagementAuth(deps: { managementToken: string; audit: Pick<AuditLog, 'tally'> }): (req: FastifyRequest) => ManagementCaller {
  return (req) => {
    const presented = bearerOf(req.raw);
    if (presented && secretsEqual(presented, deps.managementToken)) return { actor: 'management' };
    deps.audit.tally({
      actor: 'anonymous',
      action: 'auth.failed',
      outcome: 'denied',
      targetType: 'management',
      clientIp: req.ip ?? null,
      details: { reason: presented ? 'wrong_token' : 'no_token' },
    });
    throw new AppError('unauthorized', 'A valid management token is required (Authorization: Bearer <management token>)');
  };
}
