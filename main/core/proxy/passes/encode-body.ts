// Pass `encode-body`: a JSON body that earlier passes edited is serialised once, here, so the cache key
// and the upstream see the same bytes. Untouched bodies go out byte for byte as the client sent them.
import type { RequestPass } from '../pipeline.ts';

export const encodeBody: RequestPass = {
  name: 'encode-body',
  onRequest(x) {
    if (x.json && x.jsonChanged) {
      x.body = Buffer.from(JSON.stringify(x.json));
      x.jsonChanged = false;
    }
  },
};
