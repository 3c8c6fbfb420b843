// What ACME needs without acme-client: the challenge answers the plain-HTTP listener serves, and the
// stored certificate's place (per directory and domain) so a restart reuses it without ordering.
import path from 'node:path';
import { checkPair, readOwnFile, type LoadedCertificate } from './pem.ts';

/** Key authorizations the plain-HTTP listener answers at /.well-known/acme-challenge/<token>. */
export class AcmeChallenges {
  private readonly answers = new Map<string, string>();

  set(token: string, keyAuthorization: string): void {
    this.answers.set(token, keyAuthorization);
  }

  delete(token: string): void {
    this.answers.delete(token);
  }

  answer(token: string): string | undefined {
    return this.answers.get(token);
  }
}

export interface AcmeOrder {
  /** `<data-dir>/tls/acme` */
  dir: string;
  directoryUrl: string;
  domain: string;
  email: string | undefined;
  challenges: AcmeChallenges;
}

export function acmeCertificatePaths(order: Pick<AcmeOrder, 'dir' | 'directoryUrl' | 'domain'>): { cert: string; key: string } {
  const folder = path.join(order.dir, directoryFolder(order.directoryUrl), order.domain);
  return { cert: path.join(folder, 'cert.pem'), key: path.join(folder, 'key.pem') };
}

/** The certificate obtained earlier for this directory and domain, or null. */
export function loadAcmeCertificate(order: Pick<AcmeOrder, 'dir' | 'directoryUrl' | 'domain'>): LoadedCertificate | null {
  const paths = acmeCertificatePaths(order);
  const cert = readOwnFile(paths.cert);
  const key = readOwnFile(paths.key);
  if (cert === null || key === null) return null;
  try {
    return checkPair(cert, key, { cert: `ACME certificate ${paths.cert}`, key: `ACME key ${paths.key}` });
  } catch {
    return null; // damaged: order a new one
  }
}

function directoryFolder(directoryUrl: string): string {
  const url = new URL(directoryUrl);
  const rest = url.pathname.replace(/\/directory\/?$|\/dir\/?$/, '').replace(/^\/+|\/+$/g, '');
  return [url.hostname, url.port, rest]
    .filter(Boolean)
    .join('_')
    .replace(/[^A-Za-z0-9.-]+/g, '_');
}
