// Pass `header-hygiene`, at both edges: the client's hop-by-hop headers, credentials and proxy-internal
// headers never reach the upstream; the upstream's hop-by-hop headers and cookies never reach the
// client (../hop-by-hop.ts). The proxy's own headers (rate limits, cache status, request id) win over
// the upstream's of the same name.
import { requestHeadersForUpstream } from '../hop-by-hop.ts';
import type { RequestPass, ResponsePass } from '../pipeline.ts';

export const headerHygiene: RequestPass & ResponsePass = {
  name: 'header-hygiene',
  onRequest(x) {
    const headers = requestHeadersForUpstream(x.req.headers);
    headers['x-request-id'] = x.requestId;
    if (x.body instanceof Buffer) headers['content-length'] = String(x.body.length);
    // A streamed upload keeps the client's length: some providers refuse chunked multipart bodies.
    else if (x.body && x.req.headers['content-length']) headers['content-length'] = x.req.headers['content-length'];
    x.upstreamHeaders = headers;
  },
  onHeaders(x, head) {
    Object.assign(head.headers, x.responseHeaders);
  },
};
