// Pass `endpoint-allow-list`: method + path must be one of the project provider's endpoints.
import { ProxyRefusal } from '../exchange.ts';
import type { RequestPass } from '../pipeline.ts';
import { findEndpoint } from '../providers.ts';

export const endpointAllowList: RequestPass = {
  name: 'endpoint-allow-list',
  onRequest(x) {
    x.endpoint = x.provider ? findEndpoint(x.provider, x.method, x.path) : null;
    if (!x.endpoint) throw new ProxyRefusal('endpoint_not_allowed', { details: { method: x.method, path: x.path.slice(0, 200) } });
  },
};
