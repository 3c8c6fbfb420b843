// HTTP client for the `/manage` REST API: one method per endpoint, typed by the AdminApi contract.
// It sends exactly what the REST reference documents, so tests can point it at any server.

import { isAdminMethod, type AdminMethod, type InputOf, type OutputOf } from '../core/api/contract.ts';
import { fieldOf, restRouteOf, type EmptyRestMethod } from '../core/api/rest-routes.ts';
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
/** Query filters of GET /manage/audit, named as on the wire. */
export type AuditFilter = Partial<Record<keyof InputOf<'audit.list'>, string | number | undefined>>;

type Query = Record<string, string | number | boolean | undefined>;

/** The AdminApi as the CLI sees it: a REST route answering 204 resolves with nothing. */
export type CliApi = { [M in AdminMethod]: (input: InputOf<M>) => Promise<M extends EmptyRestMethod ? void : OutputOf<M>> };

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

  /**
   * Every contract method, derived from the contract's method list: methods with a REST route go to it
   * (the table in main/core/api/rest-routes.ts, which the server registers too), the others to
   * `POST /manage/rpc/<method>`. A method added to the contract is callable here without an edit.
   */
  readonly api: CliApi = new Proxy({} as CliApi, {
    get: (_target, name) => (typeof name === 'string' && isAdminMethod(name) ? (input: unknown) => this.send(name, input) : undefined),
  });

  private async send(method: AdminMethod, input: unknown): Promise<unknown> {
    const route = restRouteOf(method);
    if (!route) return (await this.call<{ value: unknown }>('POST', `/manage/rpc/${method}`, { body: input ?? {} })).value;
    const rest: Record<string, unknown> = { ...(input as Record<string, unknown> | undefined) };
    const path = route.path.replace(/:(\w+)/g, (_m, param: string) => {
      const field = fieldOf(route, param);
      const value = rest[field];
      delete rest[field];
      return encodeURIComponent(String(value ?? ''));
    });
    if (route.method === 'POST' || route.method === 'PATCH')
      return this.call(route.method, path, Object.keys(rest).length || route.method === 'PATCH' ? { body: rest } : {});
    return this.call(route.method, path, route.query ? { query: rest as Query } : {});
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
