// Every server setting in one zod schema (type, default, description); the flag, the env var, the
// config-file key and `serve --help` are all derived from it (./setting-descriptors.ts).

import envPaths from 'env-paths';
import { z } from 'zod';
import { HELICONE_LOG_URL, MAX_TIMER_MS, headerList, hostList, integer, isDataKey, isHttpUrl, isRedisUrl, nonEmpty, onOff } from './setting-kinds.ts';

import { LETS_ENCRYPT_DIRECTORY } from './setting-kinds.ts';

export { LETS_ENCRYPT_DIRECTORY };

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Settings {
  host: string;
  port: number;
  dataDir: string;
  databaseFile: string;
  databaseUrl: string | undefined;
  managementToken: string | undefined;
  encryptionKey: string | undefined;
  logLevel: LogLevel;
  maxBodyBytes: number;
  requestBodyTimeoutMs: number;
  upstreamHeadersTimeoutMs: number;
  upstreamIdleTimeoutMs: number;
  upstreamConnections: number;
  allowedHosts: string[];
  tokenCacheTtlMs: number;
  usageFlushMs: number;
  keyCooldownSeconds: number;
  tlsCert: string | undefined;
  tlsKey: string | undefined;
  tlsSelfSigned: boolean;
  acmeDomain: string | undefined;
  acmeEmail: string | undefined;
  acmeDirectory: string;
  httpRedirectPort: number | undefined;
  allowInsecureLan: boolean;
  redisUrl: string | undefined;
  redisPrefix: string;
  redisCommandTimeoutMs: number;
  limitsFailClosed: boolean;
  eventLog: string | undefined;
  eventLogMaxBytes: number;
  eventWebhook: string | undefined;
  eventRetentionDays: number;
  otlpEndpoint: string | undefined;
  otlpHeaders: Record<string, string>;
  otlpServiceName: string;
  heliconeApiKey: string | undefined;
  heliconeUrl: string;
  metricsPublic: boolean;
  cacheMaxBytes: number;
  cacheMaxObjectBytes: number;
  cacheDefaultTtlSeconds: number;
}

export type SettingKey = keyof Settings;

/** What the schema knows about a setting besides its type and default. */
export interface SettingMeta {
  description: string;
  /** Shown in help after the flag: `--port <number>`. */
  valueName: string;
  /** Shown instead of the schema's default (defaults that depend on other settings, or secrets). */
  defaultLabel?: string;
  /** Never echoed in errors or help. */
  secret?: boolean;
  /** Relative values are resolved against the cwd (flag, env) or the config file's folder. */
  isPath?: boolean;
  /** An on/off setting: a flag without a value (`--tls-self-signed`), true/false in env and config file. */
  isSwitch?: boolean;
}

export const settingMeta = z.registry<SettingMeta>();

export const settingsSchema = z.object({
  host: nonEmpty('a host name or IP address')
    .regex(/^[^\s/]+$/, { error: 'must be a host name or IP address without scheme or path' })
    .default('127.0.0.1')
    .register(settingMeta, { valueName: 'host', description: 'Interface to listen on. Keep 127.0.0.1 unless other machines must reach the proxy.' }),
  port: integer(0, 65535).default(8484).register(settingMeta, { valueName: 'number', description: 'Port to listen on (0 = any free port).' }),
  dataDir: nonEmpty('a folder path')
    .default(() => envPaths('llm-proxy', { suffix: '' }).data)
    .register(settingMeta, { valueName: 'path', isPath: true, description: 'Folder for the database, the generated management token and the key file.' }),
  databaseFile: nonEmpty('a file path')
    .optional()
    .register(settingMeta, { valueName: 'path', isPath: true, defaultLabel: '<data-dir>/llm-proxy.db', description: 'SQLite database file.' }),
  databaseUrl: nonEmpty('a postgres:// URL')
    .refine((v) => /^postgres(ql)?:\/\/./i.test(v), { error: 'must be a postgres:// or postgresql:// URL such as postgres://user@db.example:5432/llm_proxy' })
    .optional()
    .register(settingMeta, {
      valueName: 'url',
      secret: true,
      defaultLabel: '(none: SQLite in --database-file)',
      description:
        'PostgreSQL instead of the embedded SQLite file, for several instances sharing one store. Migrated on start (with a lock, so instances may start together).',
    }),
  managementToken: nonEmpty('a non-empty token')
    .regex(/^[\x21-\x7e]+$/, { error: 'must be printable ASCII without spaces (it is sent in an HTTP header)' })
    .optional()
    .register(settingMeta, {
      valueName: 'token',
      secret: true,
      defaultLabel: '(generated)',
      description: 'Bearer token for /manage and /admin. When unset, one is generated once into <data-dir>/management-token (mode 0600).',
    }),
  encryptionKey: nonEmpty('32 bytes as base64 or hex')
    .refine(isDataKey, { error: 'must be 32 bytes written as base64 (44 characters) or hex (64 characters)' })
    .optional()
    .register(settingMeta, {
      valueName: 'key',
      secret: true,
      defaultLabel: '(key file)',
      description: 'Key that encrypts upstream API keys at rest (32 bytes, base64 or hex). When unset, the key file <data-dir>/data-key (mode 0600) is used.',
    }),
  logLevel: z
    .enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` })
    .default('info')
    .register(settingMeta, { valueName: 'level', description: `Log level: ${LOG_LEVELS.join(', ')}.` }),
  maxBodyBytes: integer(1, Number.MAX_SAFE_INTEGER)
    .default(26_214_400)
    .register(settingMeta, { valueName: 'bytes', defaultLabel: '26214400 (25 MiB)', description: "Largest request body accepted (OpenAI's upload cap)." }),
  requestBodyTimeoutMs: integer(0, MAX_TIMER_MS).default(30_000).register(settingMeta, {
    valueName: 'ms',
    description:
      'A /v1 request body that sends less than 1 KiB in this long is refused (408 request_body_timeout); 0 = never. Times the upload only, never the answer.',
  }),
  upstreamHeadersTimeoutMs: integer(1, MAX_TIMER_MS).default(600_000).register(settingMeta, {
    valueName: 'ms',
    defaultLabel: '600000 (10 min)',
    description: 'How long to wait for the upstream to start answering; reasoning models can think for minutes.',
  }),
  upstreamIdleTimeoutMs: integer(1, MAX_TIMER_MS).default(300_000).register(settingMeta, {
    valueName: 'ms',
    defaultLabel: '300000 (5 min)',
    description: 'Longest silence allowed between streamed chunks; there is no cut-off for the whole answer.',
  }),
  upstreamConnections: integer(0, 1_000_000).default(0).register(settingMeta, {
    valueName: 'number',
    defaultLabel: '0 (no limit)',
    description:
      'Most open connections to one upstream origin (each stream holds one for its whole length); requests beyond it wait for a free one. 0 = no limit: one per request in flight, idle ones reused.',
  }),
  allowedHosts: hostList.default([]).register(settingMeta, {
    valueName: 'names',
    defaultLabel: '(none)',
    description: 'Extra Host names accepted besides loopback names and the bind address (comma-separated).',
  }),
  tokenCacheTtlMs: integer(0, MAX_TIMER_MS).default(1000).register(settingMeta, {
    valueName: 'ms',
    description: "How long a validated token's policy is trusted before the store is read again (changes made by other instances).",
  }),
  usageFlushMs: integer(1, MAX_TIMER_MS)
    .default(250)
    .register(settingMeta, { valueName: 'ms', description: 'How often usage counters are written to the store.' }),
  keyCooldownSeconds: integer(1, 3600).default(30).register(settingMeta, {
    valueName: 'seconds',
    description:
      'How long an upstream key that failed (5xx, unreachable, 429 without Retry-After) is out of rotation; doubles per repeated failure. A 401 benches it 10× as long; no cool-down exceeds 20×.',
  }),
  tlsCert: nonEmpty('a file path').optional().register(settingMeta, {
    valueName: 'path',
    isPath: true,
    description: 'HTTPS with your own certificate: PEM file (with its chain). Needs --tls-key; reloaded when the file changes.',
  }),
  tlsKey: nonEmpty('a file path')
    .optional()
    .register(settingMeta, { valueName: 'path', isPath: true, description: 'Private key (PEM, unencrypted) for --tls-cert. Reloaded when the file changes.' }),
  tlsSelfSigned: onOff().default(false).register(settingMeta, {
    valueName: 'bool',
    isSwitch: true,
    description: 'HTTPS with a local certificate authority created in <data-dir>/tls (trust ca.pem once on each client; see `llm-proxy tls status`).',
  }),
  acmeDomain: nonEmpty('a domain name')
    .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i, {
      error: 'must be a domain name such as proxy.example.com',
    })
    .optional()
    .register(settingMeta, {
      valueName: 'domain',
      description:
        "HTTPS with a certificate from Let's Encrypt (ACME HTTP-01) for this domain, renewed automatically. Port 80 (or --http-redirect-port) must be reachable from the internet.",
    }),
  acmeEmail: nonEmpty('an email address')
    .regex(/^[^\s@]+@[^\s@]+$/, { error: 'must be an email address' })
    .optional()
    .register(settingMeta, { valueName: 'email', description: 'Contact address given to the ACME server (expiry and policy notices).' }),
  acmeDirectory: nonEmpty('an https:// URL')
    .regex(/^https:\/\/[^\s]+$/, { error: 'must be an https:// URL of an ACME directory' })
    .default(LETS_ENCRYPT_DIRECTORY)
    .register(settingMeta, {
      valueName: 'url',
      defaultLabel: "Let's Encrypt",
      description: `ACME directory URL (default ${LETS_ENCRYPT_DIRECTORY}); for example Let's Encrypt staging or your own ACME server.`,
    }),
  httpRedirectPort: integer(1, 65535).optional().register(settingMeta, {
    valueName: 'number',
    defaultLabel: '80 with --acme-domain',
    description: 'Also listen with plain HTTP on this port: answers ACME HTTP-01 challenges and redirects everything else to HTTPS.',
  }),
  allowInsecureLan: onOff().default(false).register(settingMeta, {
    valueName: 'bool',
    isSwitch: true,
    description: 'Allow listening on a non-loopback --host without HTTPS (tokens cross the network in clear text).',
  }),
  redisUrl: nonEmpty('a redis:// or rediss:// URL')
    .refine(isRedisUrl, { error: 'must be a redis:// or rediss:// URL such as redis://127.0.0.1:6379' })
    .optional()
    .register(settingMeta, {
      valueName: 'url',
      secret: true,
      defaultLabel: '(none: limits per instance)',
      description:
        'Redis shared by several instances: rate limits become one budget across all of them and revocations reach every instance within a second. While it is unreachable, limits apply per instance.',
    }),
  redisPrefix: z
    .string({ error: 'must be a key prefix' })
    .regex(/^[\w.:-]{1,64}$/, { error: 'must be 1 to 64 letters, digits or . _ - :' })
    .default('llmp:')
    .register(settingMeta, { valueName: 'prefix', description: 'Prefix of every Redis key and channel, so two teams can share one Redis.' }),
  redisCommandTimeoutMs: integer(1, 60_000).default(50).register(settingMeta, {
    valueName: 'ms',
    description: 'Longest wait for one Redis answer on the request path; after it, that decision is made by the local limiter.',
  }),
  limitsFailClosed: onOff().default(false).register(settingMeta, {
    valueName: 'bool',
    isSwitch: true,
    description: 'While Redis is unreachable, refuse requests that have a rate limit (503) instead of limiting them per instance.',
  }),
  eventLog: nonEmpty('a file path').optional().register(settingMeta, {
    valueName: 'path',
    isPath: true,
    defaultLabel: '(none)',
    description: 'Append every request event to this JSONL file (one JSON object a line, at least once; rotated by size).',
  }),
  eventLogMaxBytes: integer(1024, Number.MAX_SAFE_INTEGER).default(104_857_600).register(settingMeta, {
    valueName: 'bytes',
    defaultLabel: '104857600 (100 MiB)',
    description: 'Size at which the event log is rotated (file.1 … file.5 are kept).',
  }),
  eventWebhook: nonEmpty('an http(s) URL').refine(isHttpUrl, { error: 'must be an http:// or https:// URL' }).optional().register(settingMeta, {
    valueName: 'url',
    secret: true,
    defaultLabel: '(none)',
    description:
      'POST request events to this URL as JSON batches ({"events": [...]}), retried with backoff until it answers 2xx; dead letters after repeated failures.',
  }),
  eventRetentionDays: integer(0, 3650).default(30).register(settingMeta, {
    valueName: 'days',
    description:
      'How long raw request events stay in the database once every event dispatcher has them; the request log (GET /manage/requests, the Requests screen) shows this many days (0: delete them as soon as they are delivered). Daily usage is kept regardless.',
  }),
  otlpEndpoint: nonEmpty('an http(s) URL').refine(isHttpUrl, { error: 'must be an http:// or https:// URL' }).optional().register(settingMeta, {
    valueName: 'url',
    defaultLabel: '(none)',
    description:
      'Send one OpenTelemetry span per request (GenAI semantic conventions, usage and cost) to this OTLP/HTTP traces endpoint, e.g. http://127.0.0.1:4318/v1/traces; at least once, like the webhook.',
  }),
  otlpHeaders: headerList.default({}).register(settingMeta, {
    valueName: 'name=value,…',
    secret: true,
    defaultLabel: '(none)',
    description:
      'Headers sent with every OTLP export (comma-separated name=value pairs, as OTEL_EXPORTER_OTLP_HEADERS), e.g. an API key of the tracing service.',
  }),
  otlpServiceName: nonEmpty('a service name')
    .default('llm-proxy')
    .register(settingMeta, { valueName: 'name', description: 'service.name of the spans sent to --otlp-endpoint.' }),
  heliconeApiKey: nonEmpty('a Helicone API key').optional().register(settingMeta, {
    valueName: 'key',
    secret: true,
    defaultLabel: '(none)',
    description:
      'Log every request to Helicone (its custom-logging API: model, usage, status and timing; never a body) with this API key; at least once, like the webhook.',
  }),
  heliconeUrl: nonEmpty('an http(s) URL')
    .refine(isHttpUrl, { error: 'must be an http:// or https:// URL' })
    .default(HELICONE_LOG_URL)
    .register(settingMeta, { valueName: 'url', description: "Helicone's custom-logging endpoint (another region, a self-hosted Helicone)." }),
  metricsPublic: onOff().default(false).register(settingMeta, {
    valueName: 'bool',
    isSwitch: true,
    description: 'Serve /metrics (Prometheus) without the management token.',
  }),
  cacheMaxBytes: integer(0, Number.MAX_SAFE_INTEGER).default(67_108_864).register(settingMeta, {
    valueName: 'bytes',
    defaultLabel: '67108864 (64 MiB)',
    description:
      'Memory the response cache may use (least recently used answers go first); 0 turns the cache off. With --redis-url the cache lives in Redis instead, bounded by its maxmemory.',
  }),
  cacheMaxObjectBytes: integer(1, Number.MAX_SAFE_INTEGER).default(1_048_576).register(settingMeta, {
    valueName: 'bytes',
    defaultLabel: '1048576 (1 MiB)',
    description: 'Largest answer the cache keeps (a bigger answer or stream is passed through, not stored).',
  }),
  cacheDefaultTtlSeconds: integer(0, 31_536_000).default(0).register(settingMeta, {
    valueName: 'seconds',
    description:
      "How long POST answers are cached when the request does not ask (a project may set its own). 0: only requests that opt in with 'Cache-Control: public, max-age=N' are cached.",
  }),
});

// The schema and the Settings interface must name the same keys (databaseFile is filled in after parsing).
type SchemaKeys = keyof z.output<typeof settingsSchema>;
const sameKeys: [SchemaKeys] extends [SettingKey] ? ([SettingKey] extends [SchemaKeys] ? true : never) : never = true;
void sameKeys;
