// The one error type the screens see, whichever door the call went through.
import type { ApiErrorShape } from '../../../main/core/api/contract.ts';

export type FieldIssue = { path: string; message: string };

export class ApiError extends Error implements ApiErrorShape {
  readonly code: string;
  readonly issues: FieldIssue[];
  /** HTTP status when the call went over HTTP; 0 otherwise. */
  readonly status: number;

  constructor(code: string, message: string, issues: FieldIssue[] = [], status = 0) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.issues = issues;
    this.status = status;
  }
}

export function isApiError(value: unknown): value is ApiError {
  return value instanceof ApiError;
}

/** Anything thrown, as an ApiError (bugs become `internal_error` with their message). */
export function toApiError(err: unknown): ApiError {
  if (isApiError(err)) return err;
  if (err instanceof Error) return new ApiError('internal_error', err.message);
  return new ApiError('internal_error', 'Something went wrong');
}

/** Reads an error answer `{error, code, issues?}`; tolerates anything else a proxy in between may send. */
export function apiErrorFromBody(body: unknown, status: number): ApiError {
  if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    const message = typeof b.error === 'string' ? b.error : typeof b.message === 'string' ? b.message : null;
    const code = typeof b.code === 'string' ? b.code : null;
    if (message || code) return new ApiError(code ?? codeForStatus(status), message ?? `The server answered ${status}`, issuesOf(b.issues), status);
  }
  return new ApiError(codeForStatus(status), `The server answered ${status}`, [], status);
}

function issuesOf(value: unknown): FieldIssue[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter((i): i is FieldIssue => !!i && typeof i === 'object' && typeof i.path === 'string' && typeof i.message === 'string')
    .map((i) => ({ path: i.path, message: i.message }));
}

function codeForStatus(status: number): string {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status >= 500) return 'server_error';
  return 'http_error';
}
