// Pass `rate-limits`: requests and tokens per minute, shared budgets and concurrency (../../limits).
// Admission takes a ticket; the answer's end settles it with the usage (tokens per minute) and frees
// the concurrency slot. Successful answers carry the x-ratelimit-* headers of the limits that apply.
import type { RequestLimits } from '../../limits/request-limits.ts';
import { ProxyRefusal } from '../exchange.ts';
import type { RequestPass, ResponsePass } from '../pipeline.ts';
import { modelDetails } from './details.ts';

export function rateLimits(limits: Pick<RequestLimits, 'admit'>): RequestPass & ResponsePass {
  return {
    name: 'rate-limits',
    async onRequest(x) {
      const decision = await limits.admit(x.auth!.token, x.auth!.upstream.limits);
      if (!decision.ok) {
        throw new ProxyRefusal(decision.code, {
          details: { ...modelDetails(x), limit: decision.limit, ...(decision.fallback && { fallback: true }) },
          headers: decision.headers,
          message: decision.message,
        });
      }
      x.ticket = decision.ticket;
      Object.assign(x.responseHeaders, decision.headers);
    },
    onEnd(x) {
      x.ticket?.finish(x.usage);
      x.ticket = null;
    },
  };
}
