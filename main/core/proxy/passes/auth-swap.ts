// Attempt pass `auth-swap`: the attempt's upstream key goes in, in its provider's style (Bearer,
// x-api-key or api-key), replacing any credential header; headers the provider requires (Anthropic's
// `anthropic-version`) are added when the client sent none.
import type { AttemptPass } from '../pipeline.ts';
import { authHeaders, credentialHeaders } from '../providers.ts';

export const authSwap: AttemptPass = {
  name: 'auth-swap',
  onAttempt(x, key) {
    const provider = x.provider!;
    const headers = x.upstreamHeaders;
    for (const name of credentialHeaders) delete headers[name];
    if (provider.defaultHeaders) for (const [name, value] of Object.entries(provider.defaultHeaders)) headers[name] ??= value;
    Object.assign(headers, authHeaders(provider, key.apiKey));
  },
};
