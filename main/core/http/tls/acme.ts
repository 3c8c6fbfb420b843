// Certificates from an ACME server (Let's Encrypt by default) with the HTTP-01 challenge, through
// acme-client (loaded only when a certificate is ordered: it is slow to import). The account key, the certificate and its key live in <data-dir>/tls/acme (keys 0600),
// per directory, so switching from a staging server to production never serves a staging certificate.
import path from 'node:path';
import acme from 'acme-client';
import { AppError } from '../../errors.ts';
import { acmeCertificatePaths, type AcmeOrder } from './acme-store.ts';
import { checkPair, readOwnFile, writePrivateFile, writePublicFile, type LoadedCertificate } from './pem.ts';

export { AcmeChallenges, acmeCertificatePaths, loadAcmeCertificate, type AcmeOrder } from './acme-store.ts';

/** Orders a new certificate (new key each time), stores it, and returns it. */
export async function obtainAcmeCertificate(order: AcmeOrder): Promise<LoadedCertificate> {
  try {
    const client = new acme.Client({
      directoryUrl: order.directoryUrl,
      accountKey: await accountKey(order.dir),
      // Poll order and challenge status every second or so at first, backing off to 10 s.
      backoffMin: 1000,
      backoffMax: 10_000,
    });
    await useAccount(client, order.email);
    const [keyPem, csr] = await acme.crypto.createCsr({ commonName: order.domain, altNames: [order.domain] }, await acme.crypto.createPrivateEcdsaKey('P-256'));
    const certPem = await client.auto({
      csr,
      challengePriority: ['http-01'],
      // acme-client's own pre-check fetches http://<domain>/ from here, which fails behind NAT without
      // hairpinning; the CA's check is the one that counts.
      skipChallengeVerification: true,
      challengeCreateFn: async (_authz, challenge, keyAuthorization) => {
        if (challenge.type !== 'http-01') throw new Error(`the ACME server offered ${challenge.type}, but only http-01 is supported`);
        order.challenges.set(challenge.token, keyAuthorization);
      },
      challengeRemoveFn: async (_authz, challenge) => {
        order.challenges.delete(challenge.token);
      },
    });
    const key = keyPem.toString();
    const loaded = checkPair(certPem, key, { cert: 'certificate from the ACME server', key: 'key made for the ACME order' });
    const paths = acmeCertificatePaths(order);
    writePrivateFile(paths.key, key);
    writePublicFile(paths.cert, certPem);
    return loaded;
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError('acme_failed', `Could not get a certificate for ${order.domain} from ${order.directoryUrl}: ${describeAcmeError(err)}`);
  }
}

/**
 * Finds the account for our key, or registers it. (auto() would re-send the registration fields to an
 * existing account as an update, which RFC 8555 servers such as pebble reject.)
 */
async function useAccount(client: acme.Client, email: string | undefined): Promise<void> {
  try {
    await client.createAccount({ onlyReturnExisting: true });
  } catch {
    // Asking for a certificate with --acme-domain is taking the CA's terms; the README says so.
    await client.createAccount({ termsOfServiceAgreed: true, ...(email ? { contact: [`mailto:${email}`] } : {}) });
  }
}

async function accountKey(dir: string): Promise<string> {
  const file = path.join(dir, 'account-key.pem');
  const existing = readOwnFile(file);
  if (existing) return existing;
  const key = (await acme.crypto.createPrivateEcdsaKey('P-256')).toString();
  writePrivateFile(file, key);
  return key;
}

/** `https://acme-v02.api.letsencrypt.org/directory` → `acme-v02.api.letsencrypt.org`; ports and paths kept apart. */

/** acme-client throws plain Errors carrying the server's problem detail; network errors carry a code. */
function describeAcmeError(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  const message = err instanceof Error ? err.message : String(err);
  return typeof code === 'string' && !message.includes(code) ? `${message} (${code})` : message;
}
