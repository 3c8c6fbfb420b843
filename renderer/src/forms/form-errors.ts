// Which errors a form shows: every problem at once (not the first one only), and each one gone as soon
// as its field is fixed. The server's refusal belongs to the values it refused; editing a field clears
// the server's message about that field (and a message about the whole form clears on any edit).
import type { ApiError } from '../api/errors.ts';
import { fieldErrorsFrom, type FieldErrors } from './validate.ts';

export function serverErrors(error: ApiError, fieldOf: (path: string) => string): FieldErrors {
  return error.issues.length ? fieldErrorsFrom(error.issues, fieldOf) : { _form: error.message };
}

export interface ErrorSources<V extends object> {
  /** The form's own check of the current values ({} before the first submit). */
  local: FieldErrors;
  /** The server's last refusal, and the values it refused. */
  server: { errors: FieldErrors; values: V } | null;
  values: V;
}

export function visibleErrors<V extends object>({ local, server, values }: ErrorSources<V>): FieldErrors {
  const shown: FieldErrors = {};
  if (server) {
    const unchanged = (key: string) => key in values && Object.is((values as Record<string, unknown>)[key], (server.values as Record<string, unknown>)[key]);
    const keys = Object.keys(values);
    for (const [field, message] of Object.entries(server.errors)) {
      const stillTrue = field === '_form' || !(field in values) ? keys.every(unchanged) : unchanged(field);
      if (stillTrue) shown[field] = message;
    }
  }
  return { ...shown, ...local };
}
