import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import envPaths from 'env-paths';
import { describe, expect, it, onTestFinished } from 'vitest';
import { AppError } from '../errors.ts';
import { loadSettings, loadSomeSettings, renderSettingsHelp, settingDescriptors, settingsSchema, type Settings } from './settings.ts';

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'llm-proxy-config-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function configFile(values: unknown, name = 'config.json'): Promise<string> {
  const file = path.join(await tempDir(), name);
  await writeFile(file, typeof values === 'string' ? values : JSON.stringify(values));
  return file;
}

/** The AppError loadSettings throws for this input. */
function failure(input: Parameters<typeof loadSettings>[0]): AppError {
  try {
    loadSettings(input);
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('config_invalid');
    return err as AppError;
  }
  throw new Error('expected loadSettings to throw');
}

const HEX_KEY = 'ab'.repeat(32);
const BASE64_KEY = Buffer.alloc(32, 7).toString('base64');

describe('defaults', () => {
  it('gives every setting its documented default', () => {
    const dataDir = envPaths('llm-proxy', { suffix: '' }).data;
    expect(loadSettings({ env: {}, flags: {} })).toEqual<Settings>({
      host: '127.0.0.1',
      port: 8484,
      dataDir,
      databaseFile: path.join(dataDir, 'llm-proxy.db'),
      databaseUrl: undefined,
      managementToken: undefined,
      encryptionKey: undefined,
      logLevel: 'info',
      maxBodyBytes: 26_214_400,
      upstreamHeadersTimeoutMs: 600_000,
      upstreamIdleTimeoutMs: 300_000,
      upstreamConnections: 0,
      allowedHosts: [],
      tokenCacheTtlMs: 1000,
      usageFlushMs: 250,
      keyCooldownSeconds: 30,
      tlsCert: undefined,
      tlsKey: undefined,
      tlsSelfSigned: false,
      acmeDomain: undefined,
      acmeEmail: undefined,
      acmeDirectory: 'https://acme-v02.api.letsencrypt.org/directory',
      httpRedirectPort: undefined,
      allowInsecureLan: false,
      redisUrl: undefined,
      redisPrefix: 'llmp:',
      redisCommandTimeoutMs: 50,
      limitsFailClosed: false,
      eventLog: undefined,
      eventLogMaxBytes: 104_857_600,
      eventWebhook: undefined,
      eventRetentionDays: 30,
      otlpEndpoint: undefined,
      otlpHeaders: {},
      otlpServiceName: 'llm-proxy',
      heliconeApiKey: undefined,
      heliconeUrl: 'https://api.worker.helicone.ai/custom/v1/log',
      metricsPublic: false,
      cacheMaxBytes: 67_108_864,
      cacheMaxObjectBytes: 1_048_576,
      cacheDefaultTtlSeconds: 0,
      requestBodyTimeoutMs: 30_000,
    });
  });

  it('derives the database file from the data dir unless it is set itself', () => {
    expect(loadSettings({ env: { LLM_PROXY_DATA_DIR: '/srv/proxy' } }).databaseFile).toBe('/srv/proxy/llm-proxy.db');
    const both = loadSettings({ env: { LLM_PROXY_DATA_DIR: '/srv/proxy' }, flags: { databaseFile: '/db/x.db' } });
    expect(both).toMatchObject({ dataDir: '/srv/proxy', databaseFile: '/db/x.db' });
  });

  it('takes a postgres:// URL from LLM_PROXY_DATABASE_URL and never echoes a bad one', () => {
    expect(loadSettings({ env: { LLM_PROXY_DATABASE_URL: 'postgres://app:s3cret@db:5432/llm' } }).databaseUrl).toBe('postgres://app:s3cret@db:5432/llm');
    expect(() => loadSettings({ env: { LLM_PROXY_DATABASE_URL: 'mysql://app:s3cret@db/llm' } })).toThrow(
      /databaseUrl must be a postgres:\/\/ or postgresql:\/\/ URL/,
    );
    try {
      loadSettings({ env: { LLM_PROXY_DATABASE_URL: 'mysql://app:s3cret@db/llm' } });
    } catch (err) {
      expect(String((err as Error).message)).not.toContain('s3cret');
    }
  });

  it('treats an empty env var as unset', () => {
    expect(loadSettings({ env: { LLM_PROXY_PORT: '', LLM_PROXY_MANAGEMENT_TOKEN: '' } })).toMatchObject({ port: 8484, managementToken: undefined });
  });
});

describe('precedence: flag > env > config file > default', () => {
  it('takes each setting from the strongest source that has it', async () => {
    const file = await configFile({ port: 1111, host: '0.0.0.0', logLevel: 'debug', usageFlushMs: 500 });
    const settings = loadSettings({
      flags: { config: file, port: '3333' },
      env: { LLM_PROXY_PORT: '2222', LLM_PROXY_HOST: '10.0.0.1' },
    });
    expect(settings).toMatchObject({ port: 3333, host: '10.0.0.1', logLevel: 'debug', usageFlushMs: 500, tokenCacheTtlMs: 1000 });
  });

  it('finds the config file through LLM_PROXY_CONFIG, and --config wins over it', async () => {
    const fromEnv = await configFile({ port: 1111 });
    const fromFlag = await configFile({ port: 2222 });
    expect(loadSettings({ env: { LLM_PROXY_CONFIG: fromEnv } }).port).toBe(1111);
    expect(loadSettings({ env: { LLM_PROXY_CONFIG: fromEnv }, flags: { config: fromFlag } }).port).toBe(2222);
  });

  it('resolves relative paths against the cwd (flag, env) or the config file folder (file)', async () => {
    const file = await configFile({ dataDir: 'data' });
    expect(loadSettings({ flags: { config: file }, env: {} }).dataDir).toBe(path.join(path.dirname(file), 'data'));
    expect(loadSettings({ env: { LLM_PROXY_DATA_DIR: 'here' }, cwd: '/work/x' }).dataDir).toBe('/work/x/here');
    expect(loadSettings({ flags: { databaseFile: 'a.db' }, env: {}, cwd: '/w' }).databaseFile).toBe('/w/a.db');
  });
});

describe('coercion', () => {
  it('turns env and flag strings into numbers and lists', () => {
    const settings = loadSettings({
      env: { LLM_PROXY_PORT: ' 9000 ', LLM_PROXY_ALLOWED_HOSTS: 'proxy.lan, 10.0.0.5 ,,', LLM_PROXY_TOKEN_CACHE_TTL_MS: '0' },
      flags: { maxBodyBytes: '1048576' },
    });
    expect(settings).toMatchObject({ port: 9000, allowedHosts: ['proxy.lan', '10.0.0.5'], tokenCacheTtlMs: 0, maxBodyBytes: 1_048_576 });
  });

  it('takes JSON numbers and arrays from the config file', async () => {
    const file = await configFile({ port: 0, allowedHosts: ['a.example'] });
    expect(loadSettings({ flags: { config: file }, env: {} })).toMatchObject({ port: 0, allowedHosts: ['a.example'] });
  });

  it('accepts an encryption key as hex or base64 of 32 bytes', () => {
    expect(loadSettings({ env: { LLM_PROXY_ENCRYPTION_KEY: HEX_KEY } }).encryptionKey).toBe(HEX_KEY);
    expect(loadSettings({ env: { LLM_PROXY_ENCRYPTION_KEY: BASE64_KEY } }).encryptionKey).toBe(BASE64_KEY);
  });

  it.each(['-1', '65536', '1.5', 'abc', '0x10', '1e3'])('rejects LLM_PROXY_PORT=%s, naming the env var', (value) => {
    const err = failure({ env: { LLM_PROXY_PORT: value } });
    expect(err.message).toContain('LLM_PROXY_PORT');
    expect(err.message).toContain('from 0 to 65535');
    expect(err.issues).toEqual([{ path: 'port', message: expect.stringContaining('LLM_PROXY_PORT') }]);
  });

  it('rejects timers too long for Node (they would fire after 1 ms)', () => {
    expect(failure({ env: { LLM_PROXY_UPSTREAM_IDLE_TIMEOUT_MS: '2147483648' } }).message).toContain('LLM_PROXY_UPSTREAM_IDLE_TIMEOUT_MS');
  });
});

describe('errors name the setting and where its value came from', () => {
  it('names a flag', () => {
    const err = failure({ flags: { logLevel: 'loud' }, env: {} });
    expect(err.message).toMatch(/logLevel must be one of fatal, .* \(from flag --log-level, got "loud"\)/);
  });

  it('names the config file and key', async () => {
    const file = await configFile({ port: 'eighty' });
    expect(failure({ flags: { config: file }, env: {} }).message).toContain(`config file ${file}, key "port"`);
  });

  it('lists every bad setting at once', () => {
    const err = failure({ env: { LLM_PROXY_PORT: 'x', LLM_PROXY_HOST: 'http://a/b' } });
    expect(err.issues?.map((i) => i.path).sort()).toEqual(['host', 'port']);
  });

  it('refuses unknown config file keys and suggests the right spelling', async () => {
    const file = await configFile({ port: 1, data_dir: '/x', colour: 'blue' });
    const err = failure({ flags: { config: file }, env: {} });
    expect(err.message).toContain('"data_dir" (did you mean "dataDir"?)');
    expect(err.message).toContain('"colour"');
  });

  it('reports a missing config file, a non-object and bad JSON with its place', async () => {
    expect(failure({ env: { LLM_PROXY_CONFIG: '/nope/none.json' } }).message).toContain('not found (from env LLM_PROXY_CONFIG)');
    expect(failure({ flags: { config: await configFile([1, 2]) }, env: {} }).message).toContain('must hold a JSON object');
    expect(failure({ flags: { config: await configFile('{\n  "port": 1,\n  oops\n}') }, env: {} }).message).toMatch(
      /is not valid JSON at line 3, column 3 \(from flag --config\)/,
    );
  });
});

describe('secrets never appear in errors', () => {
  const secret = 'sk-super-secret-value';

  it('does not echo a bad management token or encryption key', async () => {
    const err = failure({ env: { LLM_PROXY_MANAGEMENT_TOKEN: `${secret} with spaces`, LLM_PROXY_ENCRYPTION_KEY: secret } });
    expect(err.message).toContain('LLM_PROXY_MANAGEMENT_TOKEN');
    expect(err.message).toContain('LLM_PROXY_ENCRYPTION_KEY');
    expect(JSON.stringify({ message: err.message, issues: err.issues })).not.toContain(secret);
  });

  it('does not quote a config file holding a secret when its JSON is broken', async () => {
    const file = await configFile(`{"managementToken": "${secret}", }`);
    expect(failure({ flags: { config: file }, env: {} }).message).not.toContain(secret);
  });

  it('does not echo a secret of the wrong type from the config file', async () => {
    const file = await configFile({ encryptionKey: [secret] });
    expect(failure({ flags: { config: file }, env: {} }).message).not.toContain(secret);
  });
});

describe('loadSomeSettings', () => {
  it('reads only the settings asked for, so an unrelated bad value does not matter', () => {
    const some = loadSomeSettings({ env: { LLM_PROXY_PORT: 'bad', LLM_PROXY_DATA_DIR: '/d' } }, ['databaseFile']);
    expect(some).toEqual({ dataDir: '/d', databaseFile: '/d/llm-proxy.db' });
  });
});

describe('descriptors and help', () => {
  it('derives flag, env var and config key from each setting name', () => {
    expect(settingDescriptors.map((d) => d.key)).toEqual(Object.keys(settingsSchema.shape));
    expect(settingDescriptors.find((d) => d.key === 'upstreamHeadersTimeoutMs')).toMatchObject({
      flag: '--upstream-headers-timeout-ms',
      env: 'LLM_PROXY_UPSTREAM_HEADERS_TIMEOUT_MS',
      configKey: 'upstreamHeadersTimeoutMs',
      defaultLabel: '600000 (10 min)',
      secret: false,
    });
    expect(settingDescriptors.filter((d) => d.secret).map((d) => d.key)).toEqual([
      'databaseUrl',
      'managementToken',
      'encryptionKey',
      'redisUrl',
      'eventWebhook',
      'otlpHeaders',
      'heliconeApiKey',
    ]);
    for (const d of settingDescriptors) expect(d.description.length).toBeGreaterThan(10);
  });

  it('renders a table with every flag, env var and default, secrets as (generated)', () => {
    const help = renderSettingsHelp();
    for (const d of settingDescriptors) {
      expect(help).toContain(d.flag);
      expect(help).toContain(d.env);
    }
    expect(help).toMatch(/--port <number>\s+8484/);
    expect(help).toMatch(/--management-token <token>\s+\(generated\)/);
    expect(help).toMatch(/--encryption-key <key>\s+\(key file\)/);
    expect(Math.max(...help.split('\n').map((l) => l.length))).toBeLessThanOrEqual(120);
  });
});

describe('on/off settings and HTTPS settings', () => {
  it('reads a bare flag, true/false words in env and JSON booleans in the config file', async () => {
    expect(loadSettings({ env: {}, flags: { tlsSelfSigned: true } }).tlsSelfSigned).toBe(true);
    expect(loadSettings({ env: { LLM_PROXY_TLS_SELF_SIGNED: 'yes', LLM_PROXY_ALLOW_INSECURE_LAN: '0' } })).toMatchObject({
      tlsSelfSigned: true,
      allowInsecureLan: false,
    });
    const file = await configFile({ allowInsecureLan: true });
    expect(loadSettings({ env: {}, flags: { config: file } }).allowInsecureLan).toBe(true);
    expect(failure({ env: { LLM_PROXY_TLS_SELF_SIGNED: 'maybe' } }).message).toContain(
      'tlsSelfSigned must be true or false (from env LLM_PROXY_TLS_SELF_SIGNED, got "maybe")',
    );
    expect(settingDescriptors.filter((d) => d.isSwitch).map((d) => d.key)).toEqual(expect.arrayContaining(['tlsSelfSigned', 'allowInsecureLan']));
    expect(renderSettingsHelp()).toMatch(/--tls-self-signed\s+false/);
  });

  it('checks the ACME domain, email and directory, resolves certificate paths and lower-cases the domain', () => {
    const s = loadSettings({ env: {}, flags: { acmeDomain: 'Proxy.Example.COM', tlsCert: 'c.pem', tlsKey: 'k.pem', httpRedirectPort: '8080' }, cwd: '/srv' });
    expect(s).toMatchObject({ acmeDomain: 'proxy.example.com', tlsCert: '/srv/c.pem', tlsKey: '/srv/k.pem', httpRedirectPort: 8080 });
    expect(failure({ env: {}, flags: { acmeDomain: 'https://x.example' } }).message).toContain('acmeDomain must be a domain name');
    expect(failure({ env: {}, flags: { acmeEmail: 'nobody' } }).message).toContain('acmeEmail must be an email address');
    expect(failure({ env: {}, flags: { acmeDirectory: 'http://acme.example/dir' } }).message).toContain('acmeDirectory must be an https:// URL');
  });
});
