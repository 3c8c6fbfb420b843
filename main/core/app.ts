// The headless composition root: settings in, a listening server out. The desktop shell calls the same
// function; nothing here knows about Electron.
import fs from 'node:fs';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import os from 'node:os';
import type { Writable } from 'node:stream';
import { AuditLog } from './audit/audit-log.ts';
import { createDispatch } from './api/dispatch.ts';
import { ownerContext, type CallContext } from './api/handler-types.ts';
import { createAuthorize, refuseOutsideRole } from './api/authorize.ts';
import { contextOf } from './http/manage-routes.ts';
import { createAdminHandlers } from './api/handlers/index.ts';
import { startCache } from './cache/runtime.ts';
import { createStoreReadiness } from './store-readiness.ts';
import type { AdminMethod, OutputOf } from './api/contract.ts';
import type { LiveSnapshotView } from './api/event-views.ts';
import { systemClock, type Clock } from './clock.ts';
import type { Settings } from './config/settings.ts';
import { registerAdminRoutes, RENDERER_ASSETS_DIR } from './http/admin-routes.ts';
import { createEventHandlers } from './events/admin-handlers.ts';
import { startEvents, type EventsOptions, type EventsRuntime } from './events/runtime.ts';
import type { RouteEntry } from './http/doors.ts';
import { createHostCheck } from './http/host-check.ts';
import { createManagementAuth, MIN_MANAGEMENT_TOKEN_LENGTH } from './http/management-auth.ts';
import { AppError } from './errors.ts';
import { registerStreamRoutes } from './http/stream-routes.ts';
import { createHttpServer } from './http/server.ts';
import { isInsecureLan, planTls, refuseInsecureBind } from './http/tls/plan.ts';
import { preflightTls, startTls, tlsInfoOf, withTlsReadiness, type TlsRuntime } from './http/tls/runtime.ts';
import { startLimits } from './limits/runtime.ts';
import { createRedisSwitch } from './redis/switch.ts';
import type { SettingSources } from './config/setting-sources.ts';
import { createSettingsApplier } from './settings/settings-applier.ts';
import { createSettingsService } from './settings/settings-service.ts';
import { readStoredSettings, withStoredSettings } from './settings/stored-settings.ts';
import { closeInOrder } from './teardown.ts';
import { createLogger } from './log.ts';
import { registerMetricsRoute } from './metrics/metrics-route.ts';
import { createProxyHandler } from './proxy/handler.ts';
import { KeyHealth } from './proxy/key-selector.ts';
import { createKeyUsageRecorder } from './proxy/key-usage-recorder.ts';
import { startMoney } from './money/runtime.ts';
import { builtInPipeline } from './proxy/passes/index.ts';
import { createUpstreamAgent } from './proxy/upstream-agent.ts';
import { readSecretFile, writeSecretFileOnce } from './secrets/data-key.ts';
import { headlessDataKeyPort, type DataKeyPort } from './secrets/data-key-port.ts';
import { createSealer, deriveKey } from './secrets/sealer.ts';
import { openStore } from './store/open-store.ts';
import { createTokenHasher } from './tokens/format.ts';
import { TokenGate } from './tokens/token-gate.ts';
import { createUsageRecorder } from './tokens/usage-recorder.ts';
import { version } from './version.ts';

export const MANAGEMENT_TOKEN_FILE = 'management-token';
/** How long shutdown waits for in-flight requests (a long SSE stream is cut after this). */
const SHUTDOWN_GRACE_MS = 10_000;

export interface StartOptions {
  /** Human lines (the generated management token, warnings); the CLI prints them. */
  log?: (line: string) => void;
  clock?: Clock;
  /** Where structured logs go (default: stderr). */
  logStream?: Writable;
  /** Rate-limit window in seconds (60: per minute); tests shorten it. */
  limitWindowSeconds?: number;
  /** Event delivery tuning (attempts, backoff); tests shorten it. */
  events?: EventsOptions;
  /** Where the data key comes from (the desktop: sealed by the OS keychain); default: env var or key file. */
  dataKey?: DataKeyPort;
  /** Where each setting came from (../config/setting-sources.ts): flags and env vars lock theirs against run-time changes. */
  settingSources?: SettingSources;
}

export interface RunningApp {
  url: string;
  adminUrl: string;
  port: number;
  /** Calls the AdminApi in process, as the desktop shell does over IPC. */
  call<M extends AdminMethod>(method: M, input: unknown, ctx?: Partial<CallContext>): Promise<OutputOf<M>>;
  /** Writes batched usage and audit rows now (tests, shutdown). */
  flush(): Promise<void>;
  /** HTTPS state and "renew now"; null when serving plain HTTP. */
  tls: Pick<TlsRuntime, 'info' | 'renew' | 'onChange'> | null;
  /**
   * The live dashboard (`dashboard.live`): a snapshot now and about every second until the returned
   * function is called. The browser gets it over SSE; the desktop window polls `dashboard.live` over IPC.
   */
  onSnapshot(listener: (snapshot: LiveSnapshotView) => void): () => void;
  /** The request event pipeline's status and delivery notices. */
  events: Pick<EventsRuntime, 'status' | 'onNotice'>;
  /** Every route the server answers and the door that guards it. */
  routes: readonly RouteEntry[];
  close(): Promise<void>;
}

export async function startApp(startupSettings: Settings, opts: StartOptions = {}): Promise<RunningApp> {
  let settings = startupSettings;
  const clock = opts.clock ?? systemClock;
  const say = opts.log ?? (() => undefined);
  const log = createLogger(settings.logLevel, opts.logStream);
  // Decided before anything is created: listening beyond loopback without HTTPS stops here.
  const tlsPlan = planTls(settings);
  refuseInsecureBind(settings, tlsPlan);
  preflightTls(tlsPlan);
  const insecureLan = isInsecureLan(settings, tlsPlan);
  if (insecureLan) {
    say(`Warning: listening on ${settings.host} without HTTPS (--allow-insecure-lan): tokens cross the network in clear text.`);
    log.warn({ host: settings.host }, 'listening beyond loopback without HTTPS');
  }
  fs.mkdirSync(settings.dataDir, { recursive: true, mode: 0o700 });
  const managementToken = settings.managementToken ?? loadOrCreateManagementToken(settings.dataDir, say);
  refuseShortManagementToken(managementToken);

  const store = await openStore(settings);
  const storeReadiness = createStoreReadiness({ store, clock });
  const dataKey = await (opts.dataKey ?? headlessDataKeyPort(settings)).load();
  const sealer = createSealer(dataKey.key);
  const hash = createTokenHasher(deriveKey(dataKey.key, 'token-hash'));
  // Settings changed at run time (kept sealed in the store) win over the config file and defaults,
  // never over a flag or an environment variable.
  const settingSources = opts.settingSources ?? {};
  const storedSettings = await readStoredSettings(store, sealer, (name) =>
    say(`Warning: the stored setting ${name} was sealed with another data key; using the started value.`),
  );
  settings = withStoredSettings(startupSettings, storedSettings, settingSources);
  log.level = settings.logLevel;

  const onBackgroundError = (what: string) => (err: unknown) => {
    storeReadiness.writeFailed(err);
    log.error({ err: { name: (err as Error)?.name, code: (err as { code?: string })?.code } }, what);
  };
  const usage = createUsageRecorder({ tokens: store.tokens, flushMs: settings.usageFlushMs, clock, onError: onBackgroundError('usage flush failed') });
  const audit = new AuditLog({ repo: store.audit, clock, flushMs: settings.usageFlushMs, onError: onBackgroundError('audit flush failed') });
  // The instance's Redis has one owner; limits, cache, events and key cool-downs borrow it.
  const redisSwitch = createRedisSwitch(settings, { clock, log, audit });
  const redis = redisSwitch.current();
  const limits = startLimits(settings, { redis, clock, windowSeconds: opts.limitWindowSeconds });
  const cooldownMs = settings.keyCooldownSeconds * 1000;
  // A key resting on one instance rests on every instance that shares the Redis.
  const keyHealth = new KeyHealth({
    cooldownMs,
    authCooldownMs: 10 * cooldownMs,
    maxCooldownMs: 20 * cooldownMs,
    onCooldown: redisSwitch.broadcast.keyCooldown,
  });
  const keyUsage = createKeyUsageRecorder({
    keys: store.upstreamKeys,
    flushMs: settings.usageFlushMs,
    clock,
    onError: onBackgroundError('key usage flush failed'),
  });
  const gate = new TokenGate({
    tokens: store.tokens,
    projects: store.projects,
    upstreamKeys: store.upstreamKeys,
    keyHealth,
    sealer,
    hash,
    usage,
    clock,
    ttlMs: settings.tokenCacheTtlMs,
    broadcast: redisSwitch.broadcast,
    onError: onBackgroundError('quota release failed'),
  });
  redisSwitch.listen(gate, keyHealth);
  // The response cache: in memory, or in the instance's Redis when one is configured.
  const cache = startCache(settings, { clock, log, redis: redis?.link ?? null });
  // Request events: metrics, the live dashboard, the durable outbox and its dispatchers.
  const events = startEvents(settings, {
    store,
    clock,
    log,
    version,
    redis: redis ? { link: redis.link, prefix: redis.prefix } : null,
    instanceName: instanceName(settings.dataDir),
    options: opts.events,
  });
  // Prices, budgets and spend; a token or project changed anywhere lets go of the budget it held here.
  const money = startMoney({
    store,
    clock,
    flushMs: settings.usageFlushMs,
    recheckMs: settings.tokenCacheTtlMs,
    registry: events.metrics.registry,
    onError: onBackgroundError('spend flush failed'),
  });
  gate.onInvalidate(money.budgets);
  const dispatcher = createUpstreamAgent({ connectionsPerOrigin: settings.upstreamConnections });
  let tls: TlsRuntime | null = null;
  // The one teardown list, in the order things stop; every exit (a failed start, close) runs all of it.
  const closeAll = () =>
    closeInOrder([
      () => events.close(),
      () => tls?.close(),
      () => cache.close(),
      () => redisSwitch.close(),
      () => gate.close(),
      () => money.close(),
      () => usage.close(),
      () => keyUsage.close(),
      () => audit.close(),
      () => dispatcher.close(),
      () => store.close(),
    ]);
  const startedAt = new Date(clock.now()).toISOString();

  let listenUrl = '';
  const handlers = createAdminHandlers({
    cache,
    store,
    sealer,
    hash,
    gate,
    keyHealth,
    audit,
    clock,
    systemInfo: () => ({
      version,
      data_dir: settings.dataDir,
      listen_url: listenUrl,
      admin_url: `${listenUrl}/admin/`,
      started_at: startedAt,
      tls: tlsInfoOf(tls, insecureLan),
      redis: limits.status(),
    }),
    requestsSince: (since) => store.usage.requestsSince(since),
    eventHandlers: createEventHandlers({ events, usage: store.usage, money: store.money, clock }),
    settings: createSettingsService({
      store,
      sealer,
      clock,
      audit,
      startup: startupSettings,
      sources: settingSources,
      stored: storedSettings,
      applier: createSettingsApplier({ settings, redis: redisSwitch, limits, cache, events, log }),
      redisStatus: () => limits.status(),
    }),
  });
  const dispatch = createDispatch({ handlers, audit, authorize: createAuthorize({ store, now: () => clock.now() }) });

  const proxy = createProxyHandler({
    pipeline: builtInPipeline({
      gate,
      limits: limits.limits,
      cache,
      usage,
      keyUsage,
      events: events.pipeline,
      clock,
      maxBodyBytes: settings.maxBodyBytes,
      requestBodyTimeoutMs: settings.requestBodyTimeoutMs,
      prices: money.prices,
      budgets: money.budgets,
      spend: money.spend,
    }),
    audit,
    events: events.pipeline,
    keyHealth,
    keyUsage,
    dispatcher,
    clock,
    log,
    headersTimeoutMs: settings.upstreamHeadersTimeoutMs,
    idleTimeoutMs: settings.upstreamIdleTimeoutMs,
  });

  try {
    tls = await startTls(tlsPlan, { bindHost: settings.host, log, say });
  } catch (err) {
    await closeAll().catch(() => undefined);
    throw err;
  }

  const http = createHttpServer({
    // The certificate's names reach this server too (the ACME domain, the LAN names of a local one).
    hostAllowed: createHostCheck({ bindHost: settings.host, allowedHosts: [...settings.allowedHosts, ...(tls?.hostNames() ?? [])] }),
    tls: tls ?? undefined,
    proxy,
    dispatch,
    authenticateManagement: createManagementAuth({ managementToken, admins: store.admins, hash, audit }),
    log,
    extraRoutes: (app) => {
      registerAdminRoutes(app, { assetsDir: RENDERER_ASSETS_DIR });
      // /metrics holds what the live dashboard shows: the same role may read it.
      registerMetricsRoute(app, {
        metrics: events.metrics,
        public: settings.metricsPublic,
        allow: (req) => refuseOutsideRole('dashboard.live', contextOf(req)),
      });
      registerStreamRoutes(
        app,
        (_name, listener, onEnd) => events.live.subscribe(listener, onEnd),
        async (name, req) => void (await dispatch(name, {}, contextOf(req))),
      );
    },
    health: {
      version,
      ready: withTlsReadiness(
        () => tls,
        async () => {
          // Redis is reported, and fails readiness only when limits fail closed without it.
          const redis = limits.readiness();
          const redisCheck: Record<string, string> = redis ? { redis: redis.check } : {};
          // Which kind of store answers goes to details (no path or URL: /ready needs no sign-in).
          const details = { store: { kind: store.info().kind } };
          // ok, unavailable (no answer), or write_failing (answers, but writes fail: a full disk).
          const storeCheck = await storeReadiness.check();
          return { ok: storeCheck === 'ok' && (redis?.ok ?? true), checks: { store: storeCheck, ...redisCheck }, details };
        },
      ),
    },
  });

  try {
    // A first answer from Redis (or its refusal) before serving, so the first requests share limits.
    await limits.started();
    await events.start();
    await http.app.listen({ host: settings.host, port: settings.port });
  } catch (err) {
    await closeAll().catch(() => undefined);
    throw err;
  }
  const address = http.app.server.address();
  const port = typeof address === 'object' && address ? address.port : settings.port;
  // With HTTPS, a name the certificate covers (the ACME domain, `localhost` for a 0.0.0.0 bind).
  const urlHost = tls?.urlHost(settings.host) ?? settings.host;
  const hostForUrl = urlHost.includes(':') ? `[${urlHost}]` : urlHost;
  listenUrl = `${tls ? 'https' : 'http'}://${hostForUrl}:${port}`;
  tls?.listening(port);
  log.info({ url: listenUrl, database: store.info().location }, 'listening');

  let closing: Promise<void> | null = null;
  return {
    url: listenUrl,
    adminUrl: `${listenUrl}/admin/`,
    port,
    // The desktop window (and in-process callers) act as the local owner unless they say otherwise.
    call: (method, input, ctx) => dispatch(method, input, { ...ownerContext('desktop'), ...ctx }),
    flush: async () => {
      await events.flush();
      await usage.flush();
      await keyUsage.flush();
      await money.spend.flush();
      await audit.flushAll();
    },
    tls,
    onSnapshot: (listener) => events.live.subscribe(listener),
    events,
    routes: http.routes,
    close: () => {
      closing ??= (async () => {
        // Stop taking requests and let in-flight ones finish (fastify waits for them), then write
        // what is still batched, then let go of upstream sockets and the database.
        events.live.close(); // live streams never finish by themselves
        await http.close(SHUTDOWN_GRACE_MS);
        try {
          await closeAll();
        } finally {
          log.flush();
        }
      })();
      return closing;
    },
  };
}

function refuseShortManagementToken(token: string): void {
  if (token.length >= MIN_MANAGEMENT_TOKEN_LENGTH) return;
  throw new AppError(
    'config_invalid',
    `The management token is ${token.length} characters long; it must have at least ${MIN_MANAGEMENT_TOKEN_LENGTH} (set a longer LLM_PROXY_MANAGEMENT_TOKEN, or remove it and the management-token file to have one generated)`,
  );
}

function loadOrCreateManagementToken(dataDir: string, say: (line: string) => void): string {
  const file = path.join(dataDir, MANAGEMENT_TOKEN_FILE);
  const existing = readSecretFile(file)?.trim();
  if (existing) return existing;
  const token = `llmp_mgmt_${randomBytes(32).toString('base64url')}`;
  if (writeSecretFileOnce(file, token + '\n')) {
    say(`Generated a management token (shown once; also saved with mode 0600 in ${file}):`);
    say(`  ${token}`);
    return token;
  }
  return readSecretFile(file)?.trim() ?? token;
}

/** Names this instance in Redis consumer groups: the same after a restart on the same data folder. */
function instanceName(dataDir: string): string {
  return `${os.hostname()}-${createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 8)}`;
}
