// Errors with a stable `code`: the same codes reach the HTTP API, IPC, the CLI and the screens.

export type ErrorCode =
  | 'validation_failed'
  | 'invalid_json'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'not_found'
  | 'project_not_found'
  | 'token_not_found'
  | 'audit_event_not_found'
  | 'upstream_key_not_found'
  | 'admin_not_found'
  | 'duplicate_name'
  | 'last_upstream_key'
  | 'ambiguous_upstream_key'
  | 'project_inactive'
  | 'unauthorized'
  | 'forbidden_role'
  | 'not_a_named_admin'
  | 'route_closed'
  | 'invalid_request_target'
  | 'forbidden_host'
  | 'cross_site_request'
  | 'method_not_allowed'
  | 'unsafe_upstream_url'
  | 'schema_too_new'
  | 'migration_failed'
  | 'config_invalid'
  | 'encryption_key_invalid'
  | 'decryption_failed'
  | 'store_unavailable'
  | 'admin_not_built'
  | 'setting_locked'
  | 'redis_connect_failed'
  | 'insecure_bind'
  | 'tls_file_unreadable'
  | 'tls_certificate_invalid'
  | 'tls_key_mismatch'
  | 'acme_failed'
  | 'internal_error';

const statusByCode: Record<ErrorCode, number> = {
  validation_failed: 400,
  invalid_json: 400,
  payload_too_large: 413,
  unsupported_media_type: 415,
  not_found: 404,
  project_not_found: 404,
  token_not_found: 404,
  audit_event_not_found: 404,
  upstream_key_not_found: 404,
  admin_not_found: 404,
  duplicate_name: 409,
  /** Removing or disabling it would leave the project without an enabled upstream key. */
  last_upstream_key: 409,
  /** projects.update's api_key on a project with several keys: which one is meant? */
  ambiguous_upstream_key: 409,
  project_inactive: 403,
  unauthorized: 401,
  /** A named admin's role does not allow this call (api/authorize.ts). */
  forbidden_role: 403,
  /** A call about the caller's own admin entry (rotate my token) made with the management token or from the desktop. */
  not_a_named_admin: 409,
  /** A route that declares no door (http/doors.ts): closed to everyone. */
  route_closed: 403,
  /** A request target that could be read two ways (http/request-target.ts). */
  invalid_request_target: 400,
  forbidden_host: 421,
  cross_site_request: 403,
  method_not_allowed: 405,
  unsafe_upstream_url: 400,
  schema_too_new: 500,
  migration_failed: 500,
  config_invalid: 500,
  encryption_key_invalid: 500,
  decryption_failed: 500,
  store_unavailable: 503,
  admin_not_built: 503,
  /** A setting fixed by flag or environment cannot be changed at run time. */
  setting_locked: 409,
  /** A new Redis URL did not connect and answer PING in time; nothing was changed. */
  redis_connect_failed: 422,
  insecure_bind: 500,
  tls_file_unreadable: 500,
  tls_certificate_invalid: 500,
  tls_key_mismatch: 500,
  acme_failed: 502,
  internal_error: 500,
};

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** Field-level problems for validation errors (paths and messages, never values). */
  readonly issues: { path: string; message: string }[] | undefined;

  constructor(code: ErrorCode, message: string, issues?: { path: string; message: string }[]) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.status = statusByCode[code];
    this.issues = issues;
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

/** The shape errors take on the management API and over IPC. */
export interface ErrorBody {
  error: string;
  code: ErrorCode;
  issues?: { path: string; message: string }[];
}

export function toErrorBody(err: unknown): { status: number; body: ErrorBody } {
  if (isAppError(err)) {
    const body: ErrorBody = { error: err.message, code: err.code };
    if (err.issues) body.issues = err.issues;
    return { status: err.status, body };
  }
  return { status: 500, body: { error: 'Internal error', code: 'internal_error' } };
}
