// Pass `authenticate`: the presented token (`Authorization: Bearer` or `x-api-key`) → token and project.
import type { IncomingMessage } from 'node:http';
import { bearerOf } from '../../bearer.ts';
import type { TokenGate } from '../../tokens/token-gate.ts';
import { ProxyRefusal } from '../exchange.ts';
import type { RequestPass } from '../pipeline.ts';

export function authenticate(gate: Pick<TokenGate, 'authenticate'>): RequestPass {
  return {
    name: 'authenticate',
    async onRequest(x) {
      const auth = await gate.authenticate(presentedToken(x.req));
      if (!auth.ok) {
        x.trace.identify(auth.tokenId, auth.projectId);
        throw new ProxyRefusal(auth.refusal);
      }
      x.auth = auth.value;
      x.provider = auth.value.upstream.provider;
      x.trace.identify(auth.value.token.id, auth.value.upstream.projectId);
    },
  };
}

/** `Authorization: Bearer <token>`, or `x-api-key` for Anthropic-style clients. */
function presentedToken(req: IncomingMessage): string | null {
  if (req.headers.authorization) return bearerOf(req);
  const key = req.headers['x-api-key'];
  return (Array.isArray(key) ? key[0] : key) ?? null;
}
