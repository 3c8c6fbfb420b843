// What `llm-proxy tls status` reports: the HTTPS mode the settings choose and the certificate on disk,
// read without creating, ordering or starting anything (the server need not be running).
import { acmeCertificatePaths } from './acme-store.ts';
import { localCaPaths } from './local-ca-paths.ts';
import { loadCertificateFiles, readOwnFile, type LoadedCertificate } from './pem.ts';
import { isInsecureLan, planTls, refuseInsecureBind, type TlsMode, type TlsSettings } from './plan.ts';
import { trustCommands, type TrustCommands } from './trust.ts';

const EXPIRING_SOON_MS = 7 * 86_400_000;

export interface TlsStatus {
  mode: TlsMode;
  /** `not_issued`: the first `serve` makes or orders it. `unusable`: see `problem`. */
  state: 'off' | 'ok' | 'expiring_soon' | 'expired' | 'not_issued' | 'unusable';
  certificate_file: string | null;
  names: string[];
  issuer: string | null;
  expires_at: string | null;
  /** Why the certificate cannot be served, or why `serve` would refuse to start. */
  problem?: string;
  ca_path?: string;
  /** Whether the local CA exists yet (it is made by the first `serve`). */
  ca_created?: boolean;
  trust_commands?: TrustCommands;
  insecure_lan: boolean;
}

export function readTlsStatus(settings: TlsSettings, now = Date.now()): TlsStatus {
  const plan = planTls(settings);
  const insecure_lan = isInsecureLan(settings, plan);
  if (plan.mode === 'off') {
    let problem: string | undefined;
    try {
      refuseInsecureBind(settings, plan);
    } catch (err) {
      problem = (err as Error).message;
    }
    return { mode: 'off', state: 'off', certificate_file: null, names: [], issuer: null, expires_at: null, insecure_lan, ...(problem ? { problem } : {}) };
  }

  const files =
    plan.mode === 'files'
      ? { cert: plan.certFile, key: plan.keyFile }
      : plan.mode === 'local_ca'
        ? localCaPaths(plan.dir)
        : acmeCertificatePaths({ dir: plan.dir, directoryUrl: plan.directoryUrl, domain: plan.domain });
  const base: TlsStatus = { mode: plan.mode, state: 'not_issued', certificate_file: files.cert, names: [], issuer: null, expires_at: null, insecure_lan };
  if (plan.mode === 'local_ca') {
    const caPath = localCaPaths(plan.dir).caCert;
    Object.assign(base, { ca_path: caPath, ca_created: readOwnFile(caPath) !== null, trust_commands: trustCommands(caPath) });
  }
  // Our own folders hold nothing until the first start; a user's files must exist.
  if (plan.mode !== 'files' && (readOwnFile(files.cert) === null || readOwnFile(files.key) === null)) return base;

  let loaded: LoadedCertificate;
  try {
    loaded = loadCertificateFiles(files.cert, files.key);
  } catch (err) {
    return { ...base, state: 'unusable', problem: (err as Error).message };
  }
  const left = loaded.facts.notAfter.getTime() - now;
  return {
    ...base,
    state: left <= 0 ? 'expired' : left < EXPIRING_SOON_MS ? 'expiring_soon' : 'ok',
    names: loaded.facts.names,
    issuer: loaded.facts.issuer,
    expires_at: loaded.facts.notAfter.toISOString(),
  };
}
