// Pass `model-listing`: a token with allowed models sees only those in the model catalogue. The list
// (`GET /v1/models`) is filtered on its way back (../model-catalogue.ts) and never cached, so no token
// sees another's view; one model (`GET /v1/models/{id}`) the token may not use is a 404, as OpenAI
// answers for a model you cannot see. Tokens without allowed models get the upstream's answers as they are.
import { modelAllowed } from '../../tokens/models.ts';
import { ProxyRefusal } from '../exchange.ts';
import { catalogueFor } from '../model-catalogue.ts';
import type { RequestPass } from '../pipeline.ts';

const MODEL_PREFIX = '/v1/models/';
/** Anthropic pages its list (20 by default); one page of its maximum holds the whole catalogue to filter. */
const ANTHROPIC_PAGE = 'limit=1000';

export const modelListing: RequestPass = {
  name: 'model-listing',
  onRequest(x) {
    const kind = x.endpoint!.models;
    const allowed = x.auth!.token.allowedModels;
    if (!kind || allowed === null) return;
    if (kind === 'one') {
      const id = x.path.slice(MODEL_PREFIX.length);
      x.model = id;
      x.trace.model = id;
      if (!modelAllowed(allowed, id)) throw new ProxyRefusal('model_not_found', { details: { model: id } });
      return;
    }
    const provider = x.provider!;
    if (provider.usage === 'anthropic' && !/(^|&)(limit|after_id|before_id)=/.test(x.search ?? '')) {
      x.search = x.search ? `${x.search}&${ANTHROPIC_PAGE}` : ANTHROPIC_PAGE;
    }
    x.rewriteAnswer = catalogueFor(provider.usage, allowed);
  },
};
