// Which HTTPS mode the settings ask for, decided before anything is created: conflicting settings, and
// a non-loopback bind without HTTPS, fail here with a message that says how to proceed.
import path from 'node:path';
import type { Settings } from '../../config/settings.ts';
import { AppError } from '../../errors.ts';
import { certificateNames, isLoopbackHost } from './names.ts';

export { isLoopbackHost };

export type TlsMode = 'off' | 'local_ca' | 'files' | 'acme';

export type TlsSettings = Pick<
  Settings,
  | 'host'
  | 'port'
  | 'dataDir'
  | 'allowedHosts'
  | 'tlsCert'
  | 'tlsKey'
  | 'tlsSelfSigned'
  | 'acmeDomain'
  | 'acmeEmail'
  | 'acmeDirectory'
  | 'httpRedirectPort'
  | 'allowInsecureLan'
>;

/** ACME HTTP-01 is always checked on port 80; another port works only behind a forward from 80. */
export const ACME_CHALLENGE_PORT = 80;

export type TlsPlan =
  | { mode: 'off' }
  | { mode: 'files'; certFile: string; keyFile: string; redirectPort: number | undefined }
  | { mode: 'local_ca'; dir: string; names: string[]; redirectPort: number | undefined }
  | { mode: 'acme'; dir: string; domain: string; email: string | undefined; directoryUrl: string; redirectPort: number };

/** `<data-dir>/tls`: the local CA, its server certificate, and ACME state. */
export function tlsDir(dataDir: string): string {
  return path.join(dataDir, 'tls');
}

export function planTls(s: TlsSettings): TlsPlan {
  if ((s.tlsCert === undefined) !== (s.tlsKey === undefined)) {
    throw new AppError('config_invalid', '--tls-cert and --tls-key go together: give both the certificate file and its private key file');
  }
  const chosen = [s.tlsCert && '--tls-cert/--tls-key', s.tlsSelfSigned && '--tls-self-signed', s.acmeDomain && '--acme-domain'].filter(Boolean);
  if (chosen.length > 1) throw new AppError('config_invalid', `Choose one way to serve HTTPS, not ${chosen.join(' and ')}`);
  if (s.httpRedirectPort !== undefined && s.httpRedirectPort === s.port) {
    throw new AppError('config_invalid', `--http-redirect-port must differ from --port (both are ${s.port})`);
  }

  if (s.tlsCert && s.tlsKey) return { mode: 'files', certFile: s.tlsCert, keyFile: s.tlsKey, redirectPort: s.httpRedirectPort };
  if (s.tlsSelfSigned) {
    return { mode: 'local_ca', dir: tlsDir(s.dataDir), names: certificateNames(s.host, s.allowedHosts), redirectPort: s.httpRedirectPort };
  }
  if (s.acmeDomain) {
    return {
      mode: 'acme',
      dir: path.join(tlsDir(s.dataDir), 'acme'),
      domain: s.acmeDomain.toLowerCase(),
      email: s.acmeEmail,
      directoryUrl: s.acmeDirectory,
      redirectPort: s.httpRedirectPort ?? ACME_CHALLENGE_PORT,
    };
  }
  if (s.httpRedirectPort !== undefined) {
    throw new AppError('config_invalid', '--http-redirect-port redirects to HTTPS, which is off: add --tls-self-signed, --tls-cert/--tls-key or --acme-domain');
  }
  return { mode: 'off' };
}

/** True when the server would listen beyond this machine in clear text (only with --allow-insecure-lan). */
export function isInsecureLan(s: Pick<TlsSettings, 'host'>, plan: TlsPlan): boolean {
  return plan.mode === 'off' && !isLoopbackHost(s.host);
}

/** Tokens and the management token must not cross a network in clear text unless the user says so. */
export function refuseInsecureBind(s: Pick<TlsSettings, 'host' | 'allowInsecureLan'>, plan: TlsPlan): void {
  if (!isInsecureLan(s, plan) || s.allowInsecureLan) return;
  throw new AppError(
    'insecure_bind',
    `Refusing to listen on ${s.host} without HTTPS: proxy tokens and the management token would cross the network in clear text. ` +
      'Serve HTTPS with one of --tls-self-signed (a local certificate authority; trust it once on each client), ' +
      "--tls-cert <file> --tls-key <file> (your own certificate), or --acme-domain <name> [--acme-email <address>] (Let's Encrypt); " +
      'or pass --allow-insecure-lan to accept plain HTTP on a network you trust; or keep --host 127.0.0.1.',
  );
}
