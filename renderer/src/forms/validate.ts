// Form checks with the contract's own schemas, so the screens and the server agree on every rule.
import { adminContract, type AdminMethod, type InputOf } from '../../../main/core/api/contract.ts';
import type { FieldIssue } from '../api/errors.ts';

/** Field name → first message for it. `_form` holds problems that belong to no single field. */
export type FieldErrors = Record<string, string>;

export type Checked<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

/** Validates the input a form will send; the value returned is the input as written (the server parses it again). */
export function checkInput<M extends AdminMethod>(method: M, input: InputOf<M>, fieldOf: (path: string) => string = topField): Checked<InputOf<M>> {
  const result = adminContract[method].input.safeParse(input);
  if (result.success) return { ok: true, value: input };
  return {
    ok: false,
    errors: fieldErrorsFrom(
      result.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
      fieldOf,
    ),
  };
}

/** A schema's verdict plus the form's own findings (which win for the fields they name). */
export function withErrors<T>(checked: Checked<T>, errors: FieldErrors): Checked<T> {
  if (Object.keys(errors).length === 0) return checked;
  return { ok: false, errors: { ...(checked.ok ? {} : checked.errors), ...errors } };
}

/** Issues (from zod here, or from the server's `validation_failed`) as one message per form field. */
export function fieldErrorsFrom(issues: FieldIssue[], fieldOf: (path: string) => string = topField): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const field = issue.path && issue.path !== '(input)' ? fieldOf(issue.path) : '_form';
    errors[field] ??= sentence(issue.message);
  }
  return errors;
}

function topField(path: string): string {
  return path.split('.')[0] ?? path;
}

/** zod says "must not be empty"; a form says "Must not be empty." */
function sentence(message: string): string {
  const trimmed = message.trim();
  if (!trimmed) return 'Invalid value.';
  const capital = trimmed[0]!.toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

/** Whole numbers typed into a text field: '' → null, '12' → 12, anything else → NaN (the schema says why). */
export function wholeNumberOrNull(text: string): number | null {
  const t = text.trim();
  if (t === '') return null;
  return /^\d+$/.test(t) ? Number(t) : Number.NaN;
}
