// Cross-site refusal for every management call: a browser names the page that sent a request in
// `Origin` / `Sec-Fetch-Site`; scripts and the CLI send neither. Only this server's own pages may call.
import type { IncomingMessage } from 'node:http';
import { AppError } from '../errors.ts';

export function refuseCrossSite(req: IncomingMessage): void {
  const site = req.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') {
    throw new AppError('cross_site_request', 'Cross-site requests to the management API are refused');
  }
  const origin = req.headers.origin;
  if (origin !== undefined) {
    let host: string | null = null;
    try {
      host = new URL(origin).host;
    } catch {
      host = null;
    }
    if (host === null || host.toLowerCase() !== (req.headers.host ?? '').toLowerCase()) {
      throw new AppError('cross_site_request', 'Cross-site requests to the management API are refused');
    }
  }
}
