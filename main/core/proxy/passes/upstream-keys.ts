// Pass `upstream-keys`: a project whose keys are all disabled is refused before anything is read or
// counted (503 `no_upstream_key`, audited, so the operator sees why). Which key answers is decided per
// attempt (../key-selector.ts, auth-swap).
import { ProxyRefusal } from '../exchange.ts';
import type { RequestPass } from '../pipeline.ts';

export const upstreamKeys: RequestPass = {
  name: 'upstream-keys',
  onRequest(x) {
    if (x.auth!.upstream.keys.size === 0) throw new ProxyRefusal('no_upstream_key');
  },
};
