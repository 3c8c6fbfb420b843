// Reading and writing PEM files: a certificate and key pair is checked (readable, parseable, matching)
// before it is served, and private keys are written with mode 0600, atomically, never logged.
import { createPrivateKey, randomBytes, X509Certificate, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../errors.ts';
import { canonicalName } from './names.ts';

export interface CertificateFacts {
  /** DNS names and IP addresses the certificate covers (subjectAltName). */
  names: string[];
  subject: string;
  issuer: string;
  notBefore: Date;
  notAfter: Date;
  fingerprint256: string;
}

/** A pair ready to hand to tls.createSecureContext. */
export interface LoadedCertificate {
  cert: string;
  key: string;
  facts: CertificateFacts;
}

export function describeCertificate(certPem: string, label = 'certificate'): CertificateFacts {
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(certPem);
  } catch {
    throw new AppError('tls_certificate_invalid', `The ${label} is not a PEM certificate (expected a file starting with -----BEGIN CERTIFICATE-----)`);
  }
  return {
    names: parseSubjectAltName(x509.subjectAltName),
    subject: x509.subject.replace(/\n/g, ', '),
    issuer: x509.issuer.replace(/\n/g, ', '),
    notBefore: new Date(x509.validFrom),
    notAfter: new Date(x509.validTo),
    fingerprint256: x509.fingerprint256,
  };
}

/** `DNS:localhost, IP Address:127.0.0.1` → ['localhost', '127.0.0.1'] (IPv6 shortened). */
function parseSubjectAltName(san: string | undefined): string[] {
  if (!san) return [];
  return san
    .split(', ')
    .map((part) => /^(DNS|IP Address):(.+)$/.exec(part.trim()))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => (m[1] === 'IP Address' ? canonicalName(m[2]!) : m[2]!.toLowerCase()));
}

/** Reads a PEM file named by a setting; a missing or unreadable file is a startup error naming it. */
export function readPemFile(file: string, what: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'does not exist'
        : code === 'EACCES'
          ? 'is not readable by this user'
          : code === 'EISDIR'
            ? 'is a folder'
            : `cannot be read (${code ?? 'unknown error'})`;
    throw new AppError('tls_file_unreadable', `The ${what} ${file} ${why}`);
  }
}

export function parsePrivateKey(keyPem: string, label = 'private key'): KeyObject {
  try {
    return createPrivateKey(keyPem);
  } catch (err) {
    // Never quote the key or OpenSSL's text about it; the code says enough.
    const code = (err as { code?: string }).code;
    if (code === 'ERR_MISSING_PASSPHRASE')
      throw new AppError(
        'tls_certificate_invalid',
        `The ${label} is encrypted with a passphrase; give an unencrypted key (openssl pkey -in key.pem -out plain.pem)`,
      );
    throw new AppError('tls_certificate_invalid', `The ${label} is not a PEM private key (expected -----BEGIN PRIVATE KEY----- or similar)`);
  }
}

/** Checks that the key belongs to the certificate; names both files in the error. */
export function checkPair(certPem: string, keyPem: string, labels: { cert: string; key: string }): LoadedCertificate {
  const facts = describeCertificate(certPem, labels.cert);
  const key = parsePrivateKey(keyPem, labels.key);
  if (!new X509Certificate(certPem).checkPrivateKey(key)) {
    throw new AppError('tls_key_mismatch', `The ${labels.key} does not belong to the ${labels.cert} (their public keys differ)`);
  }
  return { cert: certPem, key: keyPem, facts };
}

/** Reads and checks a certificate file and its key file. */
export function loadCertificateFiles(certFile: string, keyFile: string): LoadedCertificate {
  const cert = readPemFile(certFile, 'certificate file');
  const key = readPemFile(keyFile, 'private key file');
  return checkPair(cert, key, { cert: `certificate ${certFile}`, key: `private key ${keyFile}` });
}

/** Reads a file this module wrote, or null when it is not there. */
export function readOwnFile(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** Writes through a temporary file and a rename, so a reader never sees half a key or certificate. */
function writeAtomically(file: string, content: string, mode: number): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    fs.writeFileSync(temp, content, { flag: 'wx', mode });
    fs.renameSync(temp, file);
  } catch (err) {
    fs.rmSync(temp, { force: true });
    throw err;
  }
}

export function writePrivateFile(file: string, content: string): void {
  writeAtomically(file, content, 0o600);
}

export function writePublicFile(file: string, content: string): void {
  writeAtomically(file, content, 0o644);
}
