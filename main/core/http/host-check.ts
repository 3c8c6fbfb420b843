// DNS-rebinding defence: a page on evil.example that resolves its name to 127.0.0.1 still sends
// `Host: evil.example`, so only requests naming this server (loopback names, the bind address, and
// names the user allowed) get through. Checked before anything else, on every route.
import type { IncomingMessage } from 'node:http';

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

export function createHostCheck(opts: { bindHost: string; allowedHosts: readonly string[] }): (req: IncomingMessage) => boolean {
  const names = new Set<string>(LOOPBACK_NAMES);
  const bind = opts.bindHost.includes(':') && !opts.bindHost.startsWith('[') ? `[${opts.bindHost}]` : opts.bindHost;
  if (bind !== '0.0.0.0' && bind !== '[::]') names.add(bind.toLowerCase());
  for (const host of opts.allowedHosts) names.add(host.toLowerCase());

  return (req) => {
    // Node joins duplicate Host headers into one value only for some headers; count the raw ones.
    let hostHeaders = 0;
    for (let i = 0; i < req.rawHeaders.length; i += 2) if (req.rawHeaders[i]!.toLowerCase() === 'host') hostHeaders++;
    if (hostHeaders !== 1) return false;
    const host = req.headers.host;
    if (!host) return false;
    return names.has(stripPort(host.toLowerCase()));
  };
}

function stripPort(host: string): string {
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    return end === -1 ? host : host.slice(0, end + 1);
  }
  const colon = host.lastIndexOf(':');
  return colon === -1 ? host : host.slice(0, colon);
}
