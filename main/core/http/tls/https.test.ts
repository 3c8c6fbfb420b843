// HTTPS end to end on the real app: the local CA, your own certificate files (and their reload), the
// startup errors, the redirect listener, and the refusal to listen beyond loopback in clear text.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../errors.ts';
import { startMockUpstream, type MockUpstream } from '../../testing/mock-upstream.ts';
import { startTestApp, type TestApp } from '../../testing/test-app.ts';
import { ensureLocalCertificate } from './local-ca.ts';
import { presentedCertificate, seedToken, trustingClient, type TrustingClient } from './test-support.ts';

let upstream: MockUpstream;
let dir: string;
const cleanups: (() => Promise<unknown> | unknown)[] = [];

beforeEach(async () => {
  upstream = await startMockUpstream();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmp-tls-'));
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await upstream.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function start(overrides: Parameters<typeof startTestApp>[0]): Promise<TestApp> {
  const t = await startTestApp({ dataDir: path.join(dir, 'data'), ...overrides });
  cleanups.push(() => t.close());
  return t;
}

function trusting(t: TestApp, ca: string | string[]): TrustingClient {
  const client = trustingClient(t.url, ca);
  cleanups.push(() => client.close());
  return client;
}

async function startupError(overrides: Parameters<typeof startTestApp>[0]): Promise<AppError> {
  const err = await start(overrides).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

const chat = (openai: OpenAI) => openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });

describe('local CA (--tls-self-signed)', () => {
  it('serves /v1, /manage and /ready over HTTPS to clients that trust the CA, and only to them', async () => {
    const t = await start({ tlsSelfSigned: true });
    expect(t.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const tlsDir = path.join(t.dataDir, 'tls');
    const ca = fs.readFileSync(path.join(tlsDir, 'ca.pem'), 'utf8');
    for (const key of ['ca-key.pem', 'server-key.pem']) expect(fs.statSync(path.join(tlsDir, key)).mode & 0o777).toBe(0o600);
    expect(t.logs()).toContain(`NODE_EXTRA_CA_CERTS="${path.join(tlsDir, 'ca.pem')}"`);
    expect(t.logs()).not.toContain('PRIVATE KEY');

    const token = await seedToken(t.app, upstream.url);
    const client = trusting(t, ca);
    const answer = await chat(client.openai(token));
    expect(answer.choices[0]?.message.content).toBe('Hello from the mock.');

    // Without the CA the SDK refuses the connection; nothing reaches the provider.
    const before = upstream.received.length;
    const untrusting = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: token, maxRetries: 0 });
    await expect(chat(untrusting)).rejects.toBeInstanceOf(OpenAI.APIConnectionError);
    expect(upstream.received.length).toBe(before);

    const manage = await client.fetch(`${t.url}/manage/rpc/system.info`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.managementToken}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(((await manage.json()) as { value: { tls: { mode: string } } }).value.tls.mode).toBe('local_ca');
    // The admin screens answer on the same port (503 when the renderer is not built in this checkout).
    expect([200, 301, 302, 503]).toContain((await client.fetch(`${t.url}/admin/`, { redirect: 'manual' })).status);
    const ready = (await (await client.fetch(`${t.url}/ready`)).json()) as {
      checks: Record<string, string>;
      details: { tls: { mode: string; expires_at: string } };
    };
    expect(ready.checks.tls).toBe('ok');
    expect(ready.details.tls.mode).toBe('local_ca');
    expect(Date.parse(ready.details.tls.expires_at)).toBeGreaterThan(Date.now() + 300 * 86_400_000);

    const info = await t.app.call('system.info', {});
    expect(info.listen_url).toBe(t.url);
    expect(info.tls).toMatchObject({ mode: 'local_ca', ca_path: path.join(tlsDir, 'ca.pem'), insecure_lan: false, expires_at: ready.details.tls.expires_at });
    expect(info.tls.names).toEqual(expect.arrayContaining(['localhost', '127.0.0.1', '::1']));
    expect(info.tls.trust_commands?.macos).toContain('add-trusted-cert');
  });

  it('keeps the CA across restarts and reissues the server certificate on request without a new CA', async () => {
    const first = await start({ tlsSelfSigned: true });
    const ca = fs.readFileSync(path.join(first.dataDir, 'tls', 'ca.pem'), 'utf8');
    const before = await presentedCertificate(first.url, ca);
    await first.app.tls!.renew();
    const after = await presentedCertificate(first.url, ca);
    expect(after.fingerprint256).not.toBe(before.fingerprint256);
    await first.close();

    const second = await start({ tlsSelfSigned: true, dataDir: first.dataDir });
    expect(fs.readFileSync(path.join(first.dataDir, 'tls', 'ca.pem'), 'utf8')).toBe(ca);
    expect((await presentedCertificate(second.url, ca)).fingerprint256).toBe(after.fingerprint256);
    expect(second.logs()).not.toContain('Created a local certificate authority');
  });
});

describe('your own certificate (--tls-cert / --tls-key)', () => {
  /** A CA and a certificate for localhost made in a folder of their own, as a user would bring them. */
  async function userCertificate(name: string) {
    const made = await ensureLocalCertificate(path.join(dir, name), ['localhost', '127.0.0.1']);
    return { ca: fs.readFileSync(made.caPath, 'utf8'), cert: made.cert, key: made.key, fingerprint: made.facts.fingerprint256 };
  }

  it('serves the files, and serves replaced files to new connections while an open one keeps working', async () => {
    const first = await userCertificate('user-a');
    const second = await userCertificate('user-b');
    const certFile = path.join(dir, 'certs', 'cert.pem');
    const keyFile = path.join(dir, 'certs', 'key.pem');
    fs.mkdirSync(path.dirname(certFile));
    fs.writeFileSync(certFile, first.cert);
    fs.writeFileSync(keyFile, first.key);

    const t = await start({ tlsCert: certFile, tlsKey: keyFile });
    const token = await seedToken(t.app, upstream.url);
    const client = trusting(t, [first.ca, second.ca]);
    expect((await chat(client.openai(token))).choices[0]?.message.content).toBe('Hello from the mock.');
    expect((await presentedCertificate(t.url, first.ca)).fingerprint256).toBe(first.fingerprint);
    expect((await t.app.call('system.info', {})).tls).toMatchObject({ mode: 'files', names: ['localhost', '127.0.0.1'] });

    // An SSE answer in flight on the old certificate.
    let release!: () => void;
    upstream.holdStream = new Promise((resolve) => (release = resolve));
    const stream = await client.openai(token).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true });
    const parts = stream[Symbol.asyncIterator]();
    expect((await parts.next()).value?.choices[0]?.delta.content).toBe('Hello');

    const reloaded = new Promise<void>((resolve) => t.app.tls!.onChange(resolve));
    // Replace the way tools do: write new files beside the old ones, then rename over them.
    fs.writeFileSync(`${keyFile}.new`, second.key);
    fs.writeFileSync(`${certFile}.new`, second.cert);
    fs.renameSync(`${keyFile}.new`, keyFile);
    fs.renameSync(`${certFile}.new`, certFile);
    await reloaded;
    expect((await presentedCertificate(t.url, second.ca)).fingerprint256).toBe(second.fingerprint);

    release();
    let rest = '';
    for (let part = await parts.next(); !part.done; part = await parts.next()) rest += part.value.choices[0]?.delta.content ?? '';
    expect(rest).toBe(' from the mock.');
  });

  it('refuses to start with a clear error for a missing file or a key that does not match', async () => {
    const first = await userCertificate('user-a');
    const other = await userCertificate('user-b');
    const certFile = path.join(dir, 'cert.pem');
    const keyFile = path.join(dir, 'key.pem');
    const otherKey = path.join(dir, 'other-key.pem');
    fs.writeFileSync(certFile, first.cert);
    fs.writeFileSync(keyFile, first.key);
    fs.writeFileSync(otherKey, other.key);

    const missing = await startupError({ tlsCert: path.join(dir, 'nope.pem'), tlsKey: keyFile });
    expect(missing.code).toBe('tls_file_unreadable');
    expect(missing.message).toContain(`${path.join(dir, 'nope.pem')} does not exist`);

    const mismatch = await startupError({ tlsCert: certFile, tlsKey: otherKey });
    expect(mismatch.code).toBe('tls_key_mismatch');
    expect(mismatch.message).toContain(otherKey);
    expect(mismatch.message).not.toContain('PRIVATE KEY');

    const notPem = await startupError({ tlsCert: keyFile, tlsKey: keyFile });
    expect(notPem.code).toBe('tls_certificate_invalid');
    // Checked before the data folder, the database or a management token are made.
    expect(fs.existsSync(path.join(dir, 'data'))).toBe(false);
  });
});

describe('listening beyond loopback', () => {
  it('refuses 0.0.0.0 without HTTPS, saying how to proceed, before creating anything', async () => {
    const err = await startupError({ host: '0.0.0.0' });
    expect(err.code).toBe('insecure_bind');
    for (const way of ['--tls-cert', '--tls-key', '--tls-self-signed', '--acme-domain', '--allow-insecure-lan']) expect(err.message).toContain(way);
    expect(fs.existsSync(path.join(dir, 'data'))).toBe(false);
  });
});

describe('plain-HTTP redirect listener (--http-redirect-port)', () => {
  it('redirects to the HTTPS port with the same host and path, and never serves the API in clear text', async () => {
    const free = await freePort();
    const t = await start({ tlsSelfSigned: true, httpRedirectPort: free });
    const res = await plainGet(`http://127.0.0.1:${free}/manage/projects?x=1`);
    expect(res.statusCode).toBe(308);
    expect(res.headers.location).toBe(`${t.url}/manage/projects?x=1`);
    expect((await plainGet(`http://127.0.0.1:${free}/.well-known/acme-challenge/unknown`)).statusCode).toBe(404);
  });
});

function plainGet(url: string): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        res.resume();
        resolve(res);
      })
      .once('error', reject);
  });
}

/** A port nothing listens on right now (the redirect listener needs a number up front). */
async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
