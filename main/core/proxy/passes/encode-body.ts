// Pass `encode-body`: a JSON body that earlier passes edited is serialised once, here, so the cache key
// and the upstream see the same bytes. Untouched bodies go out byte for byte as the client sent them.
import { ProxyError } from '../errors.ts';
import type { RequestPass } from '../pipeline.ts';

export const encodeBody: RequestPass = {
  name: 'encode-body',
  onRequest(x) {
    if (x.json && x.jsonChanged) {
      x.body = Buffer.from(serialise(x.json));
      x.jsonChanged = false;
    }
  },
};

/** A body nested deeper than the stack allows is the client's fault, like one JSON.parse cannot read. */
function serialise(json: Record<string, unknown>): string {
  try {
    return JSON.stringify(json);
  } catch (err) {
    if (err instanceof RangeError) throw new ProxyError('invalid_json', 'Request body is nested too deeply.');
    throw err;
  }
}
