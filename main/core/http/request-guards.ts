// Checks that run before a management handler: the bearer management token (constant time) and
// cross-site refusal for state-changing calls (the browser sends Origin / Sec-Fetch-Site; scripts don't).
import type { IncomingMessage } from 'node:http';
import { bearerOf } from '../bearer.ts';
import { AppError } from '../errors.ts';
import { secretsEqual } from '../tokens/format.ts';

export function requireManagementToken(req: IncomingMessage, managementToken: string): void {
  const presented = bearerOf(req);
  if (!presented || !secretsEqual(presented, managementToken)) {
    throw new AppError('unauthorized', 'A valid management token is required (Authorization: Bearer <management token>)');
  }
}

export function refuseCrossSite(req: IncomingMessage): void {
  const site = req.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') {
    throw new AppError('cross_site_request', 'Cross-site requests to the management API are refused');
  }
  const origin = req.headers.origin;
  if (origin !== undefined) {
    let host: string | null = null;
    try {
      host = new URL(origin).host;
    } catch {
      host = null;
    }
    if (host === null || host.toLowerCase() !== (req.headers.host ?? '').toLowerCase()) {
      throw new AppError('cross_site_request', 'Cross-site requests to the management API are refused');
    }
  }
}
