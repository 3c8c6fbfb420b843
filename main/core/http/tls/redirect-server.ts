// The optional plain-HTTP listener (`--http-redirect-port`, port 80 with ACME): answers ACME HTTP-01
// challenges and sends everything else to the HTTPS port. It never serves the API in clear text.
import { once } from 'node:events';
import http from 'node:http';
import type { Logger } from 'pino';
import type { AcmeChallenges } from './acme-store.ts';

const CHALLENGE_PREFIX = '/.well-known/acme-challenge/';
/** A host name or an IP address (IPv6 in brackets), with an optional port: nothing to inject into Location. */
const HOST_HEADER = /^([a-z0-9.-]+|\[[0-9a-f:.]+\])(:\d{1,5})?$/i;

export interface RedirectServer {
  port: number;
  /** Redirects start once the HTTPS port is known; until then they answer 503. */
  setHttpsPort(port: number): void;
  close(): Promise<void>;
}

export async function startRedirectServer(opts: { host: string; port: number; challenges: AcmeChallenges | null; log: Logger }): Promise<RedirectServer> {
  let httpsPort: number | null = null;
  const server = http.createServer({ requestTimeout: 10_000, headersTimeout: 10_000 }, (req, res) => {
    const url = req.url ?? '/';
    if (url.startsWith(CHALLENGE_PREFIX)) {
      const answer = opts.challenges?.answer(url.slice(CHALLENGE_PREFIX.length).split('?')[0]!);
      opts.log.debug({ found: answer !== undefined }, 'ACME challenge request');
      res.writeHead(answer === undefined ? 404 : 200, { 'content-type': 'text/plain' });
      res.end(answer ?? 'no such challenge');
      return;
    }
    const host = req.headers.host ?? '';
    const match = HOST_HEADER.exec(host);
    if (!match || !url.startsWith('/')) return plain(res, 400, 'Send a Host header and a path');
    if (httpsPort === null) return plain(res, 503, 'HTTPS is starting');
    // The client's own host name, so the certificate it expects is the one it gets.
    const location = `https://${match[1]}${httpsPort === 443 ? '' : `:${httpsPort}`}${url}`;
    res.writeHead(308, { location, 'content-type': 'text/plain', connection: 'close' });
    res.end(`Use HTTPS: ${location}\n`);
  });
  server.listen(opts.port, opts.host);
  await Promise.race([once(server, 'listening'), once(server, 'error').then(([err]) => Promise.reject(err as Error))]);
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : opts.port,
    setHttpsPort(port) {
      httpsPort = port;
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

function plain(res: http.ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain' });
  res.end(text + '\n');
}
