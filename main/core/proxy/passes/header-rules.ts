// Pass `header-rules`: the project's `setHeaders` / `removeHeaders` transformations on the upstream
// request. Credentials are out of reach: the contract refuses them as names, and auth-swap runs later.
import type { RequestPass } from '../pipeline.ts';

export const headerRules: RequestPass = {
  name: 'header-rules',
  onRequest(x) {
    const { setHeaders, removeHeaders } = x.auth!.upstream.transformations;
    if (removeHeaders) for (const name of removeHeaders) delete x.upstreamHeaders[name.toLowerCase()];
    if (setHeaders) for (const [name, value] of Object.entries(setHeaders)) x.upstreamHeaders[name.toLowerCase()] = value;
  },
};
