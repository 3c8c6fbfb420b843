// A form dialog's errors: nothing before the first submit, then the form's own check live on every edit,
// plus the server's refusal until the fields it names change (see forms/form-errors.ts).
import { useState } from 'react';
import type { ApiError } from '../api/index.ts';
import { serverErrors, visibleErrors } from '../forms/form-errors.ts';
import type { Checked, FieldErrors } from '../forms/validate.ts';
import { focusFirstInvalid } from './focus.ts';

export interface FormErrors<T> {
  errors: FieldErrors;
  /** Call on submit: the checked input, or null (and focus on the first field to fix). */
  validate(form: HTMLFormElement | null): T | null;
}

export function useFormErrors<V extends object, T>(
  values: V,
  check: (values: V) => Checked<T>,
  serverError: ApiError | null,
  fieldOf: (path: string) => string,
  /** How the server's refusal maps onto the fields, when a code (not only issues) names one. */
  fromServer: (error: ApiError) => FieldErrors = (error) => serverErrors(error, fieldOf),
): FormErrors<T> {
  const [tried, setTried] = useState(false);
  const [refused, setRefused] = useState<{ error: ApiError; values: V } | null>(null);
  // Remember which values the server refused (state derived from the previous render, as React advises).
  if (serverError && refused?.error !== serverError) setRefused({ error: serverError, values });
  const current = serverError && refused?.error === serverError ? refused : null;
  const local = tried ? check(values) : null;
  const errors = visibleErrors({
    local: local && !local.ok ? local.errors : {},
    server: current ? { errors: fromServer(current.error), values: current.values } : null,
    values,
  });
  return {
    errors,
    validate(form) {
      setTried(true);
      const checked = check(values);
      if (checked.ok) return checked.value;
      focusFirstInvalid(form);
      return null;
    },
  };
}
