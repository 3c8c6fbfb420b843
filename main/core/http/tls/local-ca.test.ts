import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ensureLocalCertificate, localCaPaths } from './local-ca.ts';

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmp-ca-'));
  onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('ensureLocalCertificate', () => {
  it('makes a CA and a server certificate it signs, keys 0600, for exactly the names asked', async () => {
    const dir = tempDir();
    const made = await ensureLocalCertificate(dir, ['localhost', '127.0.0.1', '::1', 'laptop.local']);
    expect(made.created).toBe('ca');
    const paths = localCaPaths(dir);
    for (const key of [paths.caKey, paths.key]) expect(fs.statSync(key).mode & 0o777).toBe(0o600);
    const ca = new X509Certificate(fs.readFileSync(paths.caCert));
    const leaf = new X509Certificate(made.cert);
    expect(ca.ca).toBe(true);
    expect(leaf.ca).toBe(false);
    expect(leaf.checkIssued(ca) && leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, DNS:laptop.local');
    expect(made.facts.names).toEqual(['localhost', '127.0.0.1', '::1', 'laptop.local']);
    expect(leaf.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    const days = (made.facts.notAfter.getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(390);
    expect(days).toBeLessThanOrEqual(397);
  });

  it('reuses both while good; reissues the server certificate (same CA) for new names, near expiry, or when forced', async () => {
    const dir = tempDir();
    const first = await ensureLocalCertificate(dir, ['localhost']);
    const again = await ensureLocalCertificate(dir, ['localhost']);
    expect(again.created).toBe('none');
    expect(again.facts.fingerprint256).toBe(first.facts.fingerprint256);

    const caBefore = fs.readFileSync(localCaPaths(dir).caCert, 'utf8');
    const renamed = await ensureLocalCertificate(dir, ['localhost', '192.168.1.20']);
    expect(renamed.created).toBe('certificate');
    expect(renamed.facts.names).toEqual(['localhost', '192.168.1.20']);

    const late = await ensureLocalCertificate(dir, ['localhost'], { now: renamed.facts.notAfter.getTime() - 10 * 86_400_000 });
    expect(late.created).toBe('certificate');
    const forced = await ensureLocalCertificate(dir, ['localhost'], { force: true });
    expect(forced.facts.fingerprint256).not.toBe(late.facts.fingerprint256);
    expect(fs.readFileSync(localCaPaths(dir).caCert, 'utf8')).toBe(caBefore);
  });

  it('replaces a damaged server certificate instead of failing', async () => {
    const dir = tempDir();
    await ensureLocalCertificate(dir, ['localhost']);
    fs.writeFileSync(localCaPaths(dir).cert, 'garbage');
    expect((await ensureLocalCertificate(dir, ['localhost'])).created).toBe('certificate');
  });
});
