// HTTP client for the `/manage` REST API: one method per endpoint, typed by the AdminApi contract.
// It sends exactly what the REST reference documents, so tests can point it at any server.

import type { InputOf, OutputOf } from '../core/api/contract.ts';
import { CliError } from './io.ts';

export interface ApiClientOptions {
  /** Where `llm-proxy serve` listens, e.g. http://127.0.0.1:8484 (a path prefix is kept). */
  baseUrl: string;
  managementToken?: string | undefined;
  /** Added to 401 errors, e.g. how to supply a management token. */
  unauthorizedHint?: string | undefined;
  timeoutMs?: number;
  userAgent?: string;
  fetch?: typeof fetch;
}

/** The server answered with an error (`{"error", "code", "issues"?}`). */
export class ApiError extends CliError {
  readonly status: number;
  readonly issues: { path: string; message: string }[];
  constructor(status: number, code: string, message: string, issues: { path: string; message: string }[] = [], hint?: string) {
    super(code, message, hint);
    this.name = 'ApiError';
    this.status = status;
    this.issues = issues;
  }
}

/** TLS verification failures as Node reports them (UNABLE_TO_VERIFY_LEAF_SIGNATURE, SELF_SIGNED_CERT_IN_CHAIN, ...). */
const UNTRUSTED_CERTIFICATE = /CERT|SELF_SIGNED|UNABLE_TO_(VERIFY|GET_ISSUER)/;

/** No answer at all: refused, unknown host, reset, timed out. */
export class ServerUnreachableError extends CliError {
  readonly url: string;
  constructor(url: string, reason: string) {
    const hint = UNTRUSTED_CERTIFICATE.test(reason)
      ? "this machine does not trust the server's certificate; for a local CA (--tls-self-signed) run with NODE_EXTRA_CA_CERTS=<data-dir>/tls/ca.pem (see llm-proxy tls status)"
      : `is \`llm-proxy serve\` running at ${url}?`;
    super('server_unreachable', `cannot reach ${url}: ${reason}`, hint);
    this.name = 'ServerUnreachableError';
    this.url = url;
  }
}

export type ProjectChanges = Omit<InputOf<'projects.update'>, 'id'>;
export type TokenChanges = Omit<InputOf<'tokens.update'>, 'id'>;
export type NewUpstreamKey = Omit<InputOf<'keys.add'>, 'project_id'>;
export type UpstreamKeyChanges = Omit<InputOf<'keys.update'>, 'project_id' | 'id'>;
export interface TokenFilter {
  projectId?: string | undefined;
  activeOnly?: boolean | undefined;
}
/** Query filters of GET /manage/audit, named as on the wire. */
export type AuditFilter = Partial<Record<keyof InputOf<'audit.list'>, string | number | undefined>>;
/** Query filters of GET /manage/requests, named as on the wire. */
export type RequestFilter = Partial<Record<keyof InputOf<'requests.list'>, string | number | undefined>>;

type Query = Record<string, string | number | boolean | undefined>;

const REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_SOCKET: 'connection closed',
};

export class ApiClient {
  readonly baseUrl: string;
  private readonly options: ApiClientOptions;

  constructor(options: ApiClientOptions) {
    this.options = options;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  listProjects(): Promise<OutputOf<'projects.list'>> {
    return this.call('GET', '/manage/projects');
  }

  createProject(input: InputOf<'projects.create'>): Promise<OutputOf<'projects.create'>> {
    return this.call('POST', '/manage/projects', { body: input });
  }

  getProject(id: string): Promise<OutputOf<'projects.get'>> {
    return this.call('GET', `/manage/projects/${enc(id)}`);
  }

  updateProject(id: string, changes: ProjectChanges): Promise<OutputOf<'projects.update'>> {
    return this.call('PATCH', `/manage/projects/${enc(id)}`, { body: changes });
  }

  revokeProjectTokens(id: string): Promise<OutputOf<'projects.revokeTokens'>> {
    return this.call('POST', `/manage/projects/${enc(id)}/tokens/revoke`);
  }

  listKeys(projectId: string): Promise<OutputOf<'keys.list'>> {
    return this.call('GET', `/manage/projects/${enc(projectId)}/keys`);
  }

  addKey(projectId: string, input: NewUpstreamKey): Promise<OutputOf<'keys.add'>> {
    return this.call('POST', `/manage/projects/${enc(projectId)}/keys`, { body: input });
  }

  updateKey(projectId: string, keyId: string, changes: UpstreamKeyChanges): Promise<OutputOf<'keys.update'>> {
    return this.call('PATCH', `/manage/projects/${enc(projectId)}/keys/${enc(keyId)}`, { body: changes });
  }

  /** DELETE answers 204 with no body. */
  async removeKey(projectId: string, keyId: string): Promise<void> {
    await this.call<unknown>('DELETE', `/manage/projects/${enc(projectId)}/keys/${enc(keyId)}`);
  }

  listTokens(filter: TokenFilter = {}): Promise<OutputOf<'tokens.list'>> {
    return this.call('GET', '/manage/tokens', {
      query: { project_id: filter.projectId, active_only: filter.activeOnly ? 'true' : undefined },
    });
  }

  createToken(input: InputOf<'tokens.create'>): Promise<OutputOf<'tokens.create'>> {
    return this.call('POST', '/manage/tokens', { body: input });
  }

  getToken(id: string): Promise<OutputOf<'tokens.get'>> {
    return this.call('GET', `/manage/tokens/${enc(id)}`);
  }

  updateToken(id: string, changes: TokenChanges): Promise<OutputOf<'tokens.update'>> {
    return this.call('PATCH', `/manage/tokens/${enc(id)}`, { body: changes });
  }

  /** DELETE answers 204 with no body; revoking twice is fine. */
  async revokeToken(id: string): Promise<void> {
    await this.call<unknown>('DELETE', `/manage/tokens/${enc(id)}`);
  }

  listAuditEvents(filter: AuditFilter = {}): Promise<OutputOf<'audit.list'>> {
    return this.call('GET', '/manage/audit', { query: filter });
  }

  getAuditEvent(id: string): Promise<OutputOf<'audit.get'>> {
    return this.call('GET', `/manage/audit/${enc(id)}`);
  }

  listRequests(filter: RequestFilter = {}): Promise<OutputOf<'requests.list'>> {
    return this.call('GET', '/manage/requests', { query: filter });
  }

  /** Body `{all: true}`, `{project_id}`, `{prefix}` or `{method, url}` (a project narrows the others). */
  purgeCache(input: InputOf<'cache.purge'>): Promise<OutputOf<'cache.purge'>> {
    return this.call('POST', '/manage/cache/purge', { body: input });
  }

  cacheStats(): Promise<OutputOf<'cache.stats'>> {
    return this.call('GET', '/manage/cache/stats');
  }

  listAdmins(): Promise<OutputOf<'admins.list'>> {
    return this.call('GET', '/manage/admins');
  }

  /** Answers the admin's token, once. */
  createAdmin(input: InputOf<'admins.create'>): Promise<OutputOf<'admins.create'>> {
    return this.call('POST', '/manage/admins', { body: input });
  }

  updateAdmin(id: string, changes: Omit<InputOf<'admins.update'>, 'id'>): Promise<OutputOf<'admins.update'>> {
    return this.call('PATCH', `/manage/admins/${enc(id)}`, { body: changes });
  }

  /** DELETE answers 204 with no body; the admin's token is refused from the next call on. */
  async removeAdmin(id: string): Promise<void> {
    await this.call<unknown>('DELETE', `/manage/admins/${enc(id)}`);
  }

  /** A new token for the admin whose token this client uses; the old one stops working at once. */
  rotateMyAdminToken(): Promise<OutputOf<'admins.rotateToken'>> {
    return this.call('POST', '/manage/admins/me/token');
  }

  private async call<T>(method: string, path: string, opts: { body?: unknown; query?: Query } = {}): Promise<T> {
    const url = new URL(this.baseUrl + path);
    for (const [key, value] of Object.entries(opts.query ?? {})) {
      if (value !== undefined && value !== '') url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.options.userAgent) headers['user-agent'] = this.options.userAgent;
    if (this.options.managementToken) headers['authorization'] = `Bearer ${this.options.managementToken}`;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';

    const doFetch = this.options.fetch ?? fetch;
    let response: Response;
    let text: string;
    try {
      response = await doFetch(url, {
        method,
        headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
        redirect: 'error',
      });
      text = await response.text();
    } catch (err) {
      throw new ServerUnreachableError(this.baseUrl, reasonOf(err, this.options.timeoutMs ?? 30_000));
    }

    const json = parseJson(text);
    if (!response.ok) throw this.errorFrom(response, json);
    if (response.status === 204 || text === '') return undefined as T;
    if (json === undefined) {
      throw new CliError('invalid_response', `${method} ${path} answered ${response.status} with a body that is not JSON`);
    }
    return json as T;
  }

  private errorFrom(response: Response, json: unknown): ApiError {
    const hint = response.status === 401 ? this.options.unauthorizedHint : undefined;
    if (isRecord(json) && typeof json['error'] === 'string') {
      const code = typeof json['code'] === 'string' ? json['code'] : `http_${response.status}`;
      const issues = Array.isArray(json['issues']) ? json['issues'].filter(isIssue) : [];
      return new ApiError(response.status, code, json['error'], issues, hint);
    }
    const status = `${response.status} ${response.statusText}`.trim();
    return new ApiError(response.status, `http_${response.status}`, `the server answered ${status}`, [], hint);
  }
}

const enc = (id: string) => encodeURIComponent(id);

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isIssue(value: unknown): value is { path: string; message: string } {
  return isRecord(value) && typeof value['path'] === 'string' && typeof value['message'] === 'string';
}

/** fetch wraps the socket error in `cause`; name the familiar case instead of "fetch failed". */
function reasonOf(err: unknown, timeoutMs: number): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) {
    return `no answer within ${Math.round(timeoutMs / 1000)} s`;
  }
  const cause = err instanceof Error ? (err.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  if (code) return REASONS[code] ?? code;
  if (typeof cause?.message === 'string') return cause.message;
  return err instanceof Error ? err.message : String(err);
}
