// The HTTPS variant of the one server: same handler, same port. Replaced certificates go in through
// setSecureContext, which applies to new connections; open ones (a streaming answer) keep theirs.
import https from 'node:https';
import type http from 'node:http';
import type { Logger } from 'pino';

export interface ServedCertificates {
  current(): { cert: string; key: string };
  onChange(listener: () => void): () => void;
}

/** TLS 1.2 is the oldest version any current client needs. */
const MIN_VERSION = 'TLSv1.2';

export function createHttpsServer(
  options: http.ServerOptions,
  certificates: ServedCertificates,
  handler: (req: http.IncomingMessage, res: http.ServerResponse) => void,
  log: Logger,
): https.Server {
  const server = https.createServer({ ...options, ...certificates.current(), minVersion: MIN_VERSION }, handler);
  const stop = certificates.onChange(() => server.setSecureContext({ ...certificates.current(), minVersion: MIN_VERSION }));
  server.once('close', stop);
  // Failed handshakes (an untrusted certificate, plain HTTP sent to this port) are the client's to report.
  server.on('tlsClientError', (err) => log.debug({ err: { code: (err as NodeJS.ErrnoException).code } }, 'TLS handshake failed'));
  return server;
}
