// `Authorization: Bearer <secret>` → the secret, for both doors that take one (/manage and /v1).
import type { IncomingMessage } from 'node:http';

export function bearerOf(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}
