// The local certificate authority (`--tls-self-signed`): a CA made once per data folder, which the user
// trusts once on each client, and a server certificate it signs for this machine's names. The server
// certificate is reissued (same CA, so no new trust step) when it nears expiry or the names change.
import { createPrivateKey, randomBytes, webcrypto, X509Certificate as NodeX509 } from 'node:crypto';
import net from 'node:net';
import os from 'node:os';
import * as x509 from '@peculiar/x509';
import { canonicalName } from './names.ts';
import { localCaPaths, type LocalCaPaths } from './local-ca-paths.ts';
import { checkPair, readOwnFile, writePrivateFile, writePublicFile, type LoadedCertificate } from './pem.ts';

export { localCaPaths, type LocalCaPaths } from './local-ca-paths.ts';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const DAY_MS = 86_400_000;
const CA_LIFETIME_DAYS = 3650;
/** Under Apple's 825-day cap for certificates from user-trusted roots, and browsers' 398-day rule. */
const SERVER_LIFETIME_DAYS = 397;
/** Reissue the server certificate when fewer than this many days are left. */
export const LOCAL_RENEW_BEFORE_DAYS = 30;
/** Clients whose clocks run a little behind still accept a certificate made just now. */
const BACKDATE_MS = 60 * 60_000;

const KEY_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING_ALGORITHM = { name: 'ECDSA', hash: 'SHA-256' } as const;

export interface LocalCertificate extends LoadedCertificate {
  caPath: string;
  /** What was made this time: nothing (files reused), the server certificate, or the CA and the certificate. */
  created: 'none' | 'certificate' | 'ca';
}

/**
 * Returns a server certificate for `names` signed by the local CA, making the CA and the certificate
 * when missing. `force` reissues the server certificate even if the current one is still good.
 */
export async function ensureLocalCertificate(dir: string, names: readonly string[], opts: { now?: number; force?: boolean } = {}): Promise<LocalCertificate> {
  const now = opts.now ?? Date.now();
  const paths = localCaPaths(dir);
  let created: LocalCertificate['created'] = 'none';
  let ca = loadCa(paths, now);
  if (!ca) {
    ca = await createCa(paths, now);
    created = 'ca';
  }
  const existing = opts.force || created === 'ca' ? null : reusableServerCertificate(paths, ca.pem, names, now);
  if (existing) return { ...existing, caPath: paths.caCert, created };

  const issued = await issueServerCertificate(ca, names, now);
  writePrivateFile(paths.key, issued.key);
  writePublicFile(paths.cert, issued.cert);
  return {
    ...checkPair(issued.cert, issued.key, { cert: 'local server certificate', key: 'local server key' }),
    caPath: paths.caCert,
    created: created === 'none' ? 'certificate' : created,
  };
}

interface LoadedCa {
  pem: string;
  subject: string;
  signingKey: webcrypto.CryptoKey | Promise<webcrypto.CryptoKey>;
  publicKey: x509.PublicKey;
}

function loadCa(paths: LocalCaPaths, now: number): LoadedCa | null {
  const pem = readOwnFile(paths.caCert);
  const keyPem = readOwnFile(paths.caKey);
  if (pem === null || keyPem === null) return null;
  const pair = checkPair(pem, keyPem, { cert: `local CA certificate ${paths.caCert}`, key: `local CA key ${paths.caKey}` });
  // A CA about to expire would take its certificates with it; make a new one (the user trusts it again).
  if (pair.facts.notAfter.getTime() - now < (SERVER_LIFETIME_DAYS + 1) * DAY_MS) return null;
  const der = createPrivateKey(keyPem).export({ type: 'pkcs8', format: 'der' });
  const cert = new x509.X509Certificate(pem);
  return {
    pem,
    subject: cert.subject,
    signingKey: webcrypto.subtle.importKey('pkcs8', der, KEY_ALGORITHM, false, ['sign']),
    publicKey: cert.publicKey,
  };
}

async function createCa(paths: LocalCaPaths, now: number): Promise<LoadedCa> {
  const keys = await webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify']);
  // A name unique to this install, so two installs trusted on one client are told apart.
  const host =
    os
      .hostname()
      .replace(/[^A-Za-z0-9.-]/g, '')
      .slice(0, 40) || 'this machine';
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: `CN=LLM Proxy local CA ${host} ${randomBytes(3).toString('hex')}, O=LLM Proxy`,
    notBefore: new Date(now - BACKDATE_MS),
    notAfter: new Date(now + CA_LIFETIME_DAYS * DAY_MS),
    signingAlgorithm: SIGNING_ALGORITHM,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const pem = cert.toString('pem');
  writePrivateFile(paths.caKey, await pkcs8Pem(keys.privateKey));
  writePublicFile(paths.caCert, pem);
  return { pem, subject: cert.subject, signingKey: keys.privateKey, publicKey: cert.publicKey };
}

function reusableServerCertificate(paths: LocalCaPaths, caPem: string, names: readonly string[], now: number): LoadedCertificate | null {
  const cert = readOwnFile(paths.cert);
  const key = readOwnFile(paths.key);
  if (cert === null || key === null) return null;
  let pair: LoadedCertificate;
  try {
    pair = checkPair(cert, key, { cert: 'local server certificate', key: 'local server key' });
  } catch {
    return null; // damaged or replaced by hand: make a new one
  }
  const leaf = new NodeX509(cert);
  const ca = new NodeX509(caPem);
  const signedByCa = leaf.checkIssued(ca) && leaf.verify(ca.publicKey);
  const coversNames = names.every((name) => pair.facts.names.includes(canonicalName(name)));
  const fresh = pair.facts.notAfter.getTime() - now > LOCAL_RENEW_BEFORE_DAYS * DAY_MS;
  return signedByCa && coversNames && fresh ? pair : null;
}

async function issueServerCertificate(ca: LoadedCa, names: readonly string[], now: number): Promise<{ cert: string; key: string }> {
  const keys = await webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: `CN=${names.find((n) => net.isIP(n) === 0) ?? 'localhost'}, O=LLM Proxy`,
    issuer: ca.subject,
    notBefore: new Date(now - BACKDATE_MS),
    notAfter: new Date(now + SERVER_LIFETIME_DAYS * DAY_MS),
    signingAlgorithm: SIGNING_ALGORITHM,
    publicKey: keys.publicKey,
    signingKey: await ca.signingKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(names.map((value) => ({ type: net.isIP(value) ? 'ip' : 'dns', value }))),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(ca.publicKey),
    ],
  });
  return { cert: cert.toString('pem'), key: await pkcs8Pem(keys.privateKey) };
}

async function pkcs8Pem(key: webcrypto.CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY') + '\n';
}

/** 16 random bytes, top bit clear so the DER integer stays positive (RFC 5280 §4.1.2.2). */
function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return bytes.toString('hex');
}
