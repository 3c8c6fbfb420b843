// ACME end to end against pebble (Let's Encrypt's RFC 8555 test server, `apt-get install pebble`) on
// loopback: pebble really fetches the HTTP-01 answer from the app's plain-HTTP listener, the app serves
// the certificate it gets, and a renewal swaps certificates under an open SSE stream without cutting it.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import acme from 'acme-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../../testing/mock-upstream.ts';
import { startTestApp, type TestApp } from '../../testing/test-app.ts';
import { ensureLocalCertificate } from './local-ca.ts';
import { presentedCertificate, seedToken, trustingClient } from './test-support.ts';

const PEBBLE = findExecutable(process.env.PEBBLE_BIN ?? 'pebble');
const title = PEBBLE ? 'ACME against pebble' : 'ACME against pebble (skipped: no `pebble` on PATH; apt-get install pebble, or set PEBBLE_BIN)';
if (!PEBBLE) console.warn(title);

describe.skipIf(!PEBBLE)(title, () => {
  let dir: string;
  let pebble: Pebble;
  let upstream: MockUpstream;
  let t: TestApp;
  const previousAgent = acme.axios.defaults.httpsAgent;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmp-acme-'));
    upstream = await startMockUpstream();
    const challengePort = await freePort();
    pebble = await startPebble(PEBBLE!, dir, challengePort);
    // acme-client talks to pebble's HTTPS API; trust pebble's listener certificate for this test only.
    acme.axios.defaults.httpsAgent = new https.Agent({ ca: pebble.listenerCa });
    t = await startTestApp({ dataDir: path.join(dir, 'data'), acmeDomain: 'localhost', acmeDirectory: pebble.directoryUrl, httpRedirectPort: challengePort });
  }, 60_000);

  afterAll(async () => {
    acme.axios.defaults.httpsAgent = previousAgent;
    await t?.close();
    await upstream?.close();
    await pebble?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('obtains a certificate over HTTP-01, stores it with a 0600 key, and serves the API with it', async () => {
    expect(t.url).toMatch(/^https:\/\/localhost:\d+$/);
    // Pebble fetched the key authorization from the app's plain-HTTP listener (no validation bypass).
    expect(t.logs()).toMatch(/"found":true,"msg":"ACME challenge request"/);
    const roots = await pebble.issuingRoots();
    const client = trustingClient(t.url, roots);
    try {
      const token = await seedToken(t.app, upstream.url);
      const answer = await client.openai(token).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
      expect(answer.choices[0]?.message.content).toBe('Hello from the mock.');
      const ready = (await (await client.fetch(`${t.url}/ready`)).json()) as {
        checks: Record<string, string>;
        details: { tls: { mode: string; expires_at: string } };
      };
      expect(ready.details.tls.mode).toBe('acme');
    } finally {
      await client.close();
    }
    const info = await t.app.call('system.info', {});
    expect(info.tls).toMatchObject({ mode: 'acme', names: ['localhost'], insecure_lan: false });
    expect(info.tls.ca_path).toBeUndefined();

    const acmeDir = path.join(t.dataDir, 'tls', 'acme');
    const keys = listFiles(acmeDir).filter((f) => f.endsWith('key.pem'));
    expect(keys.map((f) => path.basename(f)).sort()).toEqual(['account-key.pem', 'key.pem']);
    for (const key of keys) expect(fs.statSync(key).mode & 0o777).toBe(0o600);
    expect(t.logs()).not.toContain('PRIVATE KEY');
  });

  it('renews, serving the new certificate to new connections while an open SSE stream finishes', async () => {
    const roots = await pebble.issuingRoots();
    const client = trustingClient(t.url, roots);
    try {
      const before = await presentedCertificate(t.url, roots);
      const token = await seedToken(t.app, upstream.url);
      let release!: () => void;
      upstream.holdStream = new Promise((resolve) => (release = resolve));
      const stream = await client.openai(token).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true });
      const parts = stream[Symbol.asyncIterator]();
      expect((await parts.next()).value?.choices[0]?.delta.content).toBe('Hello');

      try {
        await t.app.tls!.renew();
      } finally {
        release();
      }
      const after = await presentedCertificate(t.url, roots);
      expect(after.fingerprint256).not.toBe(before.fingerprint256);
      expect(after.subjectaltname).toBe('DNS:localhost');

      let rest = '';
      for (let part = await parts.next(); !part.done; part = await parts.next()) rest += part.value.choices[0]?.delta.content ?? '';
      expect(rest).toBe(' from the mock.');
    } finally {
      upstream.holdStream = null;
      await client.close();
    }
  });

  it('serves the stored certificate after a restart instead of ordering a new one', async () => {
    const served = (await t.app.call('system.info', {})).tls.expires_at;
    const dataDir = t.dataDir;
    await t.close();
    // With pebble gone, a new order would fail the start.
    await pebble.stop();
    t = await startTestApp({ dataDir, acmeDomain: 'localhost', acmeDirectory: pebble.directoryUrl, httpRedirectPort: await freePort() });
    expect((await t.app.call('system.info', {})).tls.expires_at).toBe(served);
  });
});

interface Pebble {
  directoryUrl: string;
  /** The CA of pebble's own HTTPS listener (made by our local CA code). */
  listenerCa: string;
  /** Pebble's issuing roots (random per run), which sign the certificates it hands out. */
  issuingRoots(): Promise<string[]>;
  stop(): Promise<void>;
}

async function startPebble(bin: string, dir: string, challengePort: number): Promise<Pebble> {
  const listener = await ensureLocalCertificate(path.join(dir, 'pebble-listener'), ['localhost', '127.0.0.1']);
  const [acmePort, managementPort, tlsPort] = [await freePort(), await freePort(), await freePort()];
  const config = path.join(dir, 'pebble-config.json');
  fs.writeFileSync(
    config,
    JSON.stringify({
      pebble: {
        listenAddress: `127.0.0.1:${acmePort}`,
        managementListenAddress: `127.0.0.1:${managementPort}`,
        certificate: path.join(dir, 'pebble-listener', 'server.pem'),
        privateKey: path.join(dir, 'pebble-listener', 'server-key.pem'),
        // Pebble's HTTP-01 check goes to <domain>:httpPort, which is the app's plain-HTTP listener.
        httpPort: challengePort,
        tlsPort,
        ocspResponderURL: '',
        externalAccountBindingRequired: false,
      },
    }),
  );
  const child: ChildProcess = spawn(bin, ['-config', config], {
    // No artificial validation delays, no random bad nonces, and a fresh challenge on every order.
    env: { ...process.env, PEBBLE_VA_NOSLEEP: '1', PEBBLE_WFE_NONCEREJECT: '0', PEBBLE_AUTHZREUSE: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('ACME directory available')) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`pebble exited with ${code}:\n${output}`)));
  });
  await ready;
  const ca = fs.readFileSync(listener.caPath, 'utf8');
  return {
    directoryUrl: `https://127.0.0.1:${acmePort}/dir`,
    listenerCa: ca,
    issuingRoots: async () => [await httpsGet(`https://127.0.0.1:${managementPort}/roots/0`, ca)],
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

function httpsGet(url: string, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve(body));
      })
      .once('error', reject);
  });
}

async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function findExecutable(name: string): string | null {
  if (name.includes(path.sep)) return isExecutable(name) ? name : null;
  for (const folder of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(folder, name);
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function listFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? listFiles(path.join(dir, entry.name)) : [path.join(dir, entry.name)]));
}
