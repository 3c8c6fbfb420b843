// The certificate being served, kept current without a restart: your own files are reloaded when they
// change, the local CA's certificate is reissued before it expires, ACME certificates are renewed.
// The HTTPS server asks `current()` again on every `onChange`, so open connections keep their session.
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { TlsInfoView } from '../../api/views.ts';
import { AppError } from '../../errors.ts';
import { AcmeChallenges, loadAcmeCertificate, type AcmeOrder } from './acme-store.ts';
import { canonicalName } from './names.ts';
import { loadCertificateFiles, type CertificateFacts, type LoadedCertificate } from './pem.ts';
import type { TlsPlan } from './plan.ts';
import { startRedirectServer, type RedirectServer } from './redirect-server.ts';
import { trustCommands } from './trust.ts';

const DAY_MS = 86_400_000;
/** How often expiry is checked (and own files re-read, in case a change event was missed). */
const CHECK_EVERY_MS = 60 * 60_000;
/** Changed files are read once the writes settle (a certificate and its key are two writes). */
const WATCH_SETTLE_MS = 150;
const EXPIRING_SOON_MS = 7 * DAY_MS;

export interface TlsRuntime {
  readonly mode: Exclude<TlsPlan['mode'], 'off'>;
  /** The pair to serve now. */
  current(): { cert: string; key: string };
  /** Called after the served certificate changed; returns an unsubscribe function. */
  onChange(listener: () => void): () => void;
  facts(): CertificateFacts;
  info(): TlsInfoView;
  /** For /ready: an expired certificate makes the server not ready. */
  readiness(): { check: 'ok' | 'expiring_soon' | 'expired'; mode: string; expires_at: string };
  /** Host names the certificate answers to (added to the Host check). */
  hostNames(): string[];
  /** The host to put in URLs: the bind host when the certificate covers it, else a name it covers. */
  urlHost(bindHost: string): string;
  /** Reissues, renews or re-reads the certificate now. */
  renew(): Promise<void>;
  /** Tells the redirect listener where HTTPS is, once the main server listens. */
  listening(httpsPort: number): void;
  close(): Promise<void>;
}

export interface StartTlsDeps {
  bindHost: string;
  log: Logger;
  /** Human lines for the terminal (where the CA is, how to trust it). */
  say: (line: string) => void;
  now?: () => number;
}

/** The mode-specific part: how a certificate is first had, and when and how it is replaced. */
interface CertificateSource {
  first(): Promise<LoadedCertificate>;
  /** A replacement when one is due (or the files changed), else null. */
  check(served: LoadedCertificate): Promise<LoadedCertificate | null>;
  renew(): Promise<LoadedCertificate>;
  caPath?: string;
}

export async function startTls(plan: TlsPlan, deps: StartTlsDeps): Promise<TlsRuntime | null> {
  if (plan.mode === 'off') return null;
  const now = deps.now ?? Date.now;
  const challenges = plan.mode === 'acme' ? new AcmeChallenges() : null;
  // ACME's HTTP-01 check arrives on this listener, so it must be up before the first order.
  const redirect = plan.redirectPort === undefined ? null : await listenForRedirects(deps.bindHost, plan.redirectPort, challenges, deps.log);

  const source = sourceFor(plan, challenges, now, deps);
  let served: LoadedCertificate;
  try {
    served = await source.first();
  } catch (err) {
    await redirect?.close();
    throw err;
  }
  const listeners = new Set<() => void>();
  const replace = (next: LoadedCertificate, why: string) => {
    if (next.facts.fingerprint256 === served.facts.fingerprint256) return;
    served = next;
    deps.log.info({ mode: plan.mode, names: next.facts.names, expiresAt: next.facts.notAfter.toISOString(), why }, 'serving a new TLS certificate');
    for (const listener of listeners) listener();
  };

  // One replacement at a time: a renewal asked for during a scheduled check runs after it.
  let queue: Promise<void> = Promise.resolve();
  const serialized = (work: () => Promise<void>) => {
    const run = queue.then(work);
    queue = run.catch(() => undefined);
    return run;
  };
  const check = (why: string) =>
    serialized(async () => {
      try {
        const next = await source.check(served);
        if (next) replace(next, why);
      } catch (err) {
        deps.log.error(
          { err: { code: (err as AppError).code, message: (err as Error).message }, mode: plan.mode },
          'could not replace the TLS certificate; still serving the current one',
        );
      }
    });

  const timer = setInterval(() => void check('scheduled check'), CHECK_EVERY_MS);
  timer.unref();
  const stopWatching = plan.mode === 'files' ? watchFiles([plan.certFile, plan.keyFile], () => void check('files changed'), deps.log) : () => undefined;
  // A stored ACME certificate may already be due: renew in the background while it is served.
  if (plan.mode === 'acme') void check('startup');

  return {
    mode: plan.mode,
    current: () => ({ cert: served.cert, key: served.key }),
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    facts: () => served.facts,
    info: () => ({
      mode: plan.mode,
      expires_at: served.facts.notAfter.toISOString(),
      names: served.facts.names,
      ...(source.caPath ? { ca_path: source.caPath, trust_commands: trustCommands(source.caPath) } : {}),
      insecure_lan: false,
    }),
    readiness() {
      const left = served.facts.notAfter.getTime() - now();
      return {
        check: left <= 0 ? 'expired' : left < EXPIRING_SOON_MS ? 'expiring_soon' : 'ok',
        mode: plan.mode,
        expires_at: served.facts.notAfter.toISOString(),
      };
    },
    hostNames: () => served.facts.names.filter((n) => !n.startsWith('*.')),
    urlHost(bindHost) {
      if (served.facts.names.includes(canonicalName(bindHost))) return bindHost;
      return served.facts.names.find((n) => !n.startsWith('*.') && !n.includes(':')) ?? bindHost;
    },
    renew: () =>
      serialized(async () => {
        replace(await source.renew(), 'renewed on request');
      }),
    listening: (port) => redirect?.setHttpsPort(port),
    async close() {
      clearInterval(timer);
      stopWatching();
      listeners.clear();
      await queue;
      await redirect?.close();
    },
  };
}

function sourceFor(plan: Exclude<TlsPlan, { mode: 'off' }>, challenges: AcmeChallenges | null, now: () => number, deps: StartTlsDeps): CertificateSource {
  switch (plan.mode) {
    case 'files': {
      const load = async () => loadCertificateFiles(plan.certFile, plan.keyFile);
      return {
        first: load,
        check: async (served) => {
          const next = await load();
          return next.facts.fingerprint256 === served.facts.fingerprint256 ? null : next;
        },
        renew: load,
      };
    }
    case 'local_ca': {
      const ensure = async (force: boolean) => {
        // The X.509 library is slow to load: only servers with a local CA pay for it.
        const { ensureLocalCertificate } = await import('./local-ca.ts');
        const made = await ensureLocalCertificate(plan.dir, plan.names, { now: now(), force });
        if (made.created === 'ca') {
          deps.say(`Created a local certificate authority for HTTPS: ${made.caPath}`);
          deps.say('Trust it once on each client (commands: llm-proxy tls status), or for Node tools:');
          deps.say(`  ${trustCommands(made.caPath).node}`);
        }
        return made;
      };
      return {
        first: () => ensure(false),
        // Reuses the certificate unless it nears expiry or the names changed.
        check: async (served) => {
          const next = await ensure(false);
          return next.facts.fingerprint256 === served.facts.fingerprint256 ? null : next;
        },
        renew: () => ensure(true),
        caPath: path.join(plan.dir, 'ca.pem'),
      };
    }
    case 'acme': {
      const order: AcmeOrder = {
        dir: plan.dir,
        directoryUrl: plan.directoryUrl,
        domain: plan.domain,
        email: plan.email,
        challenges: challenges ?? new AcmeChallenges(),
      };
      const obtain = async () => {
        deps.log.info({ domain: plan.domain, directory: plan.directoryUrl }, 'ordering a TLS certificate over ACME');
        const { obtainAcmeCertificate } = await import('./acme.ts');
        return obtainAcmeCertificate(order);
      };
      return {
        first: async () => {
          const stored = loadAcmeCertificate(order);
          return stored && stored.facts.notAfter.getTime() > now() ? stored : obtain();
        },
        check: async (served) => (now() >= renewalTime(served.facts) ? obtain() : null),
        renew: obtain,
      };
    }
  }
}

/** Renew with a third of the lifetime left, and no later than 30 days before expiry (Let's Encrypt's advice). */
export function renewalTime(facts: Pick<CertificateFacts, 'notBefore' | 'notAfter'>): number {
  const end = facts.notAfter.getTime();
  const lifetime = end - facts.notBefore.getTime();
  return end - Math.min(30 * DAY_MS, lifetime / 3);
}

async function listenForRedirects(host: string, port: number, challenges: AcmeChallenges | null, log: Logger): Promise<RedirectServer> {
  try {
    return await startRedirectServer({ host, port, challenges, log });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unknown error';
    const hint =
      code === 'EACCES'
        ? ' Ports below 1024 need privileges (Linux: sudo setcap cap_net_bind_service=+ep "$(command -v node)"), or pick another --http-redirect-port that port 80 is forwarded to.'
        : '';
    throw new AppError(
      'config_invalid',
      `Cannot listen for plain HTTP on ${host}:${port} (${code}); it answers ACME challenges and redirects to HTTPS.${hint}`,
    );
  }
}

/**
 * Watches the folders holding the files, not the files: editors, certbot (symlinks in live/) and
 * Kubernetes secrets (a swapped ..data link) replace files rather than write into them.
 */
function watchFiles(files: string[], onChange: () => void, log: Logger): () => void {
  let settle: NodeJS.Timeout | null = null;
  const changed = () => {
    if (settle) clearTimeout(settle);
    settle = setTimeout(onChange, WATCH_SETTLE_MS);
    settle.unref();
  };
  const watchers: fs.FSWatcher[] = [];
  for (const dir of new Set(files.map((f) => path.dirname(f)))) {
    try {
      const watcher = fs.watch(dir, { persistent: false }, changed);
      watcher.on('error', (err) => log.warn({ err: { code: (err as NodeJS.ErrnoException).code }, dir }, 'stopped watching certificate folder'));
      watchers.push(watcher);
    } catch (err) {
      log.warn({ err: { code: (err as NodeJS.ErrnoException).code }, dir }, 'cannot watch certificate folder; changes are picked up hourly');
    }
  }
  return () => {
    if (settle) clearTimeout(settle);
    for (const watcher of watchers) watcher.close();
  };
}

/** Fails on unusable certificate files before the data folder or the database is touched. */
export function preflightTls(plan: TlsPlan): void {
  if (plan.mode === 'files') loadCertificateFiles(plan.certFile, plan.keyFile);
}

/** What system.info reports about HTTPS, including when it is off. */
export function tlsInfoOf(runtime: TlsRuntime | null, insecureLan: boolean): TlsInfoView {
  return runtime ? runtime.info() : { mode: 'off', expires_at: null, names: [], insecure_lan: insecureLan };
}

type Readiness = { ok: boolean; checks: Record<string, string>; details?: Record<string, unknown> };

/** Adds the certificate to /ready: `checks.tls` and `details.tls.expires_at`; expired means not ready. */
export function withTlsReadiness(runtime: () => TlsRuntime | null, ready: () => Promise<Readiness>): () => Promise<Readiness> {
  return async () => {
    const result = await ready();
    const tls = runtime()?.readiness();
    if (!tls) return result;
    return {
      ok: result.ok && tls.check !== 'expired',
      checks: { ...result.checks, tls: tls.check },
      details: { ...result.details, tls: { mode: tls.mode, expires_at: tls.expires_at } },
    };
  };
}
