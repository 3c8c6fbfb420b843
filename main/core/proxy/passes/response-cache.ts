// Pass `response-cache` (../../cache): a fresh stored answer is sent from here — no upstream call,
// nothing taken from the quota or the rate limits, counted as a cache hit on the token. On a miss its
// tap keeps a copy of the answer, and a complete cacheable answer is stored when it ends.
import type { RequestEventRecorder } from '../../events/request-trace.ts';
import type { ResponseCache } from '../../cache/response-cache.ts';
import type { Clock } from '../../clock.ts';
import type { UsageRecorder } from '../../tokens/usage-recorder.ts';
import type { RequestPass, ResponsePass, StreamPass } from '../pipeline.ts';

export function responseCache(deps: {
  cache: ResponseCache;
  usage: UsageRecorder;
  events: RequestEventRecorder;
  clock: Clock;
}): RequestPass & ResponsePass & StreamPass {
  return {
    name: 'response-cache',
    async onRequest(x) {
      // A token's filtered view of the model list is its own: never stored, never served from a shared copy.
      if (x.rewriteAnswer) {
        x.trace.cache = 'bypass';
        x.responseHeaders['x-proxy-cache'] = 'BYPASS';
        return;
      }
      const { token, upstream } = x.auth!;
      const lookup = await deps.cache.lookup({
        method: x.method,
        path: x.path,
        search: x.search,
        headers: x.req.headers,
        bodyKind: x.endpoint!.body,
        body: x.body,
        tokenId: token.id,
        projectId: upstream.projectId,
        settings: upstream.cache,
      });
      x.trace.cache = lookup.status;
      if (lookup.hit) {
        deps.usage.recordCacheHit(token.id, deps.clock.now());
        x.trace.costUsd = 0; // nothing went upstream
        await deps.events.record(x.trace.event({ status: lookup.answer.status, errorCode: null, streamed: lookup.answer.streamed }));
        lookup.send(x.res, x.requestId);
        return 'answered';
      }
      x.cacheMiss = lookup;
      Object.assign(x.responseHeaders, lookup.headers);
    },
    onStream(x) {
      return x.cacheMiss?.capture ? { write: (chunk) => x.cacheMiss!.capture!.write(chunk), end() {} } : null;
    },
    // Complete, cacheable answers are kept for the next identical request (never partial or failed ones).
    onEnd(x, result) {
      x.cacheMiss?.store(result, x.res);
    },
  };
}
