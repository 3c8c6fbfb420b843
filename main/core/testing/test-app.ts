// Starts the real headless app on 127.0.0.1:0 with its own temp data folder, captured logs and an
// optional movable clock, for tests that drive it the way users do (HTTP, the openai SDK).
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { startApp, type RunningApp } from '../app.ts';
import type { Clock } from '../clock.ts';
import type { SettingSources } from '../config/setting-sources.ts';
import type { Settings } from '../config/settings.ts';
import type { EventsOptions } from '../events/runtime.ts';

export class ManualClock implements Clock {
  constructor(private ms = Date.now()) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

export interface TestApp {
  app: RunningApp;
  url: string;
  dataDir: string;
  managementToken: string;
  /** Everything the app logged (structured logs and human lines). */
  logs: () => string;
  /** A management API call; resolves with status and parsed JSON (null for an empty body). */
  manage(method: string, urlPath: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; json: any; headers: Headers }>;
  close(): Promise<void>;
}

export async function startTestApp(
  overrides: Partial<Settings> & { clock?: Clock; limitWindowSeconds?: number; events?: EventsOptions; settingSources?: SettingSources } = {},
): Promise<TestApp> {
  const { clock, limitWindowSeconds, events, settingSources, ...settingsOverrides } = overrides;
  const dataDir = settingsOverrides.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'llmp-app-'));
  const managementToken = 'test-management-token-' + randomUUID();
  const settings: Settings = {
    host: '127.0.0.1',
    port: 0,
    dataDir,
    databaseFile: path.join(dataDir, 'llm-proxy.db'),
    databaseUrl: undefined,
    managementToken,
    encryptionKey: undefined,
    logLevel: 'debug',
    maxBodyBytes: 1024 * 1024,
    requestBodyTimeoutMs: 30_000,
    upstreamHeadersTimeoutMs: 10_000,
    upstreamIdleTimeoutMs: 10_000,
    upstreamConnections: 0,
    allowedHosts: [],
    tokenCacheTtlMs: 1_000,
    usageFlushMs: 50,
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
    eventLogMaxBytes: 100 * 1024 * 1024,
    eventWebhook: undefined,
    eventRetentionDays: 7,
    otlpEndpoint: undefined,
    otlpHeaders: {},
    otlpServiceName: 'llm-proxy',
    heliconeApiKey: undefined,
    heliconeUrl: 'https://api.worker.helicone.ai/custom/v1/log',
    metricsPublic: false,
    cacheMaxBytes: 64 * 1024 * 1024,
    cacheMaxObjectBytes: 1024 * 1024,
    cacheDefaultTtlSeconds: 0,
    ...settingsOverrides,
  };
  let captured = '';
  const logStream = new Writable({
    write(chunk, _enc, done) {
      captured += String(chunk);
      done();
    },
  });
  const app = await startApp(settings, { clock, logStream, log: (line) => (captured += line + '\n'), limitWindowSeconds, events, settingSources });
  return {
    app,
    url: app.url,
    dataDir,
    managementToken: settings.managementToken ?? '',
    logs: () => captured,
    async manage(method, urlPath, body, headers = {}) {
      const res = await fetch(app.url + urlPath, {
        method,
        headers: { authorization: `Bearer ${settings.managementToken}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, json: text ? JSON.parse(text) : null, headers: res.headers };
    },
    async close() {
      await app.close();
    },
  };
}
