import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureLocalCertificate } from '../core/http/tls/local-ca.ts';
import { startTestApp } from '../core/testing/test-app.ts';
import { run, tempDir } from './test-support.ts';

describe('tls status', () => {
  it('explains a local CA that the first serve will create, with the commands that trust it', async () => {
    const dataDir = await tempDir();
    const { code, stdout, stderr } = await run(['tls', 'status', '--tls-self-signed', '--data-dir', dataDir]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const ca = path.join(dataDir, 'tls', 'ca.pem');
    expect(stdout).toContain('HTTPS:       local certificate authority (--tls-self-signed)');
    expect(stdout).toContain('not made yet: created by the first llm-proxy serve');
    expect(stdout).toContain(`Local CA:    ${ca} (created by the first llm-proxy serve)`);
    expect(stdout).toContain(`sudo security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain "${ca}"`);
    expect(stdout).toContain(`certutil -user -addstore Root "${ca}"`);
    expect(stdout).toContain(`export NODE_EXTRA_CA_CERTS="${ca}"`);
    expect(fs.existsSync(path.join(dataDir, 'tls'))).toBe(false);
  });

  it('shows the certificate on disk: names, issuer and expiry (env and --json)', async () => {
    const dataDir = await tempDir();
    const made = await ensureLocalCertificate(path.join(dataDir, 'tls'), ['localhost', '127.0.0.1', '::1']);
    const text = await run(['tls', 'status'], { env: { LLM_PROXY_DATA_DIR: dataDir, LLM_PROXY_TLS_SELF_SIGNED: 'true' } });
    expect(text.stdout).toContain('  names:     localhost, 127.0.0.1, ::1');
    expect(text.stdout).toMatch(/ {2}issuer: {4}CN=LLM Proxy local CA /);
    expect(text.stdout).toContain(`  expires:   ${made.facts.notAfter.toISOString()} (in `);

    const json = await run(['tls', 'status', '--json', '--tls-self-signed', '--data-dir', dataDir]);
    expect(JSON.parse(json.stdout)).toMatchObject({
      mode: 'local_ca',
      state: 'ok',
      certificate_file: path.join(dataDir, 'tls', 'server.pem'),
      expires_at: made.facts.notAfter.toISOString(),
      ca_path: made.caPath,
      ca_created: true,
      insecure_lan: false,
    });
  });

  it('reports files that cannot be served, and a bind that serve would refuse', async () => {
    const dir = await tempDir();
    const a = await ensureLocalCertificate(path.join(dir, 'a'), ['localhost']);
    const b = await ensureLocalCertificate(path.join(dir, 'b'), ['localhost']);
    fs.writeFileSync(path.join(dir, 'cert.pem'), a.cert);
    fs.writeFileSync(path.join(dir, 'key.pem'), b.key);
    const mismatch = await run(['tls', 'status', '--json', '--tls-cert', path.join(dir, 'cert.pem'), '--tls-key', path.join(dir, 'key.pem')]);
    expect(JSON.parse(mismatch.stdout)).toMatchObject({ mode: 'files', state: 'unusable', problem: expect.stringContaining('does not belong to') });

    const open = await run(['tls', 'status', '--host', '0.0.0.0']);
    expect(open.stdout).toContain('HTTPS:       off (plain HTTP)');
    expect(open.stdout).toMatch(/Problem: {5}Refusing to listen on 0\.0\.0\.0 without HTTPS/);

    const allowed = await run(['tls', 'status', '--host', '0.0.0.0', '--allow-insecure-lan']);
    expect(allowed.stdout).toContain('Warning:     listening beyond loopback without HTTPS');
  });

  it('names conflicting HTTPS settings', async () => {
    const { code, stderr } = await run(['tls', 'status', '--tls-self-signed', '--acme-domain', 'proxy.example.com']);
    expect(code).toBe(1);
    expect(stderr).toContain('Choose one way to serve HTTPS, not --tls-self-signed and --acme-domain (config_invalid)');
  });
});

describe('client commands against an HTTPS server this machine does not trust', () => {
  it('say how to trust the local CA instead of asking whether the server runs', async () => {
    const t = await startTestApp({ tlsSelfSigned: true, dataDir: path.join(await tempDir(), 'data') });
    try {
      const result = await run(['project', 'list', '--url', t.url, '--management-token', t.managementToken]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('(server_unreachable)');
      expect(result.stderr).toContain(
        "hint: this machine does not trust the server's certificate; for a local CA (--tls-self-signed) run with NODE_EXTRA_CA_CERTS=",
      );
    } finally {
      await t.close();
    }
  });
});
