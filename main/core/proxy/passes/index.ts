// The built-in pipeline, in order. Each pass is its own file with its own test; see ../pipeline.ts for
// the kinds of pass and ../README.md for what each one does.
import type { ResponseCache } from '../../cache/response-cache.ts';
import type { Clock } from '../../clock.ts';
import type { RequestEventRecorder } from '../../events/request-trace.ts';
import type { RequestLimits } from '../../limits/request-limits.ts';
import type { Budgets } from '../../money/budgets.ts';
import { PriceCatalogue } from '../../money/price-catalogue.ts';
import type { SpendRecorder } from '../../money/spend-recorder.ts';
import type { TokenGate } from '../../tokens/token-gate.ts';
import type { UsageRecorder } from '../../tokens/usage-recorder.ts';
import type { KeyUsageRecorder } from '../key-usage-recorder.ts';
import type { Pipeline } from '../pipeline.ts';
import { authSwap } from './auth-swap.ts';
import { authenticate } from './authenticate.ts';
import { budgetCheck, budgetClaim } from './budget.ts';
import { cost } from './cost.ts';
import { encodeBody } from './encode-body.ts';
import { endpointAllowList } from './endpoint-allow-list.ts';
import { headerHygiene } from './header-hygiene.ts';
import { headerRules } from './header-rules.ts';
import { modelAllowList } from './model-allow-list.ts';
import { modelListing } from './model-listing.ts';
import { quotaCheck, quotaClaim } from './quota.ts';
import { rateLimits } from './rate-limits.ts';
import { readRequestBody } from './read-body.ts';
import { responseCache } from './response-cache.ts';
import { streamUsage } from './stream-usage.ts';
import { transformations } from './transformations.ts';
import { upstreamKeys } from './upstream-keys.ts';
import { usageExtraction } from './usage-extraction.ts';

export interface BuiltInPassDeps {
  gate: TokenGate;
  limits: Pick<RequestLimits, 'admit'>;
  cache: ResponseCache;
  usage: UsageRecorder;
  keyUsage: KeyUsageRecorder;
  events: RequestEventRecorder;
  clock: Clock;
  maxBodyBytes: number;
  requestBodyTimeoutMs?: number;
  /** Model prices (one catalogue per app: it keeps each model's resolved rates). */
  prices?: PriceCatalogue;
  /** Budgets in USD and the spend they are charged with; without them nothing is limited or counted. */
  budgets?: Budgets;
  spend?: SpendRecorder;
}

export function builtInPipeline(deps: BuiltInPassDeps): Pipeline {
  const cache = responseCache(deps);
  const limits = rateLimits(deps.limits);
  const usage = usageExtraction(deps);
  const pricing = cost({ prices: deps.prices ?? new PriceCatalogue(), budgets: deps.budgets, spend: deps.spend });
  const budgets = deps.budgets;
  return {
    request: [
      authenticate(deps.gate),
      endpointAllowList,
      upstreamKeys,
      readRequestBody(deps.maxBodyBytes, deps.requestBodyTimeoutMs),
      transformations,
      modelListing,
      modelAllowList(deps.gate),
      streamUsage,
      encodeBody,
      quotaCheck(deps.gate),
      ...(budgets ? [budgetCheck(budgets)] : []),
      cache,
      limits,
      quotaClaim(deps.gate),
      ...(budgets ? [budgetClaim(budgets)] : []),
      headerHygiene,
      headerRules,
    ],
    attempt: [authSwap],
    // Usage first: the limits settle tokens per minute with it.
    response: [headerHygiene, usage, limits, cache],
    // Cost after usage: it prices what the usage tap read.
    stream: [usage, pricing, cache],
  };
}
