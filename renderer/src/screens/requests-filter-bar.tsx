// The request log's filters (project, token, model, status, time range), applied together.
import { useState, type FormEvent } from 'react';
import type { ProjectView, TokenView } from '../../../main/core/api/views.ts';
import { Field, FormError } from '../components/field.tsx';
import { checkRequestFilter, emptyRequestFilter, type RequestFilterValues, type RequestQuery } from '../forms/requests-filter.ts';
import type { FieldErrors } from '../forms/validate.ts';
import { focusFirstInvalid } from '../lib/focus.ts';

const STATUSES = [
  ['', 'any'],
  ['2xx', 'Answered (2xx)'],
  ['4xx', 'Refused or bad request (4xx)'],
  ['429', 'Rate limited / quota (429)'],
  ['5xx', 'Upstream or proxy error (5xx)'],
] as const;

interface Props {
  initial: RequestFilterValues;
  projects: ProjectView[];
  tokens: TokenView[];
  onApply: (query: RequestQuery) => void;
}

export function RequestsFilterBar({ initial, projects, tokens, onApply }: Props) {
  const [values, setValues] = useState<RequestFilterValues>(initial);
  const [errors, setErrors] = useState<FieldErrors>({});
  const set = (key: keyof RequestFilterValues) => (e: { target: { value: string } }) => setValues({ ...values, [key]: e.target.value });
  const tokensShown = values.projectId ? tokens.filter((t) => t.project_id === values.projectId) : tokens;
  const unknownToken = values.tokenId && !tokens.some((t) => t.id === values.tokenId);
  const customStatus = values.status && !STATUSES.some(([v]) => v === values.status);

  const apply = (next: RequestFilterValues, form?: HTMLFormElement) => {
    const checked = checkRequestFilter(next);
    setErrors(checked.ok ? {} : checked.errors);
    if (checked.ok) onApply(checked.value);
    else focusFirstInvalid(form ?? null);
  };
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    apply(values, event.currentTarget);
  };
  const clear = () => {
    setValues(emptyRequestFilter);
    apply(emptyRequestFilter);
  };

  return (
    <form className="filter-bar" onSubmit={submit} noValidate aria-label="Filter requests">
      <Field label="Project" error={errors.projectId}>
        <select className="input input-small" value={values.projectId} onChange={set('projectId')}>
          <option value="">any</option>
          {projects.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Token" error={errors.tokenId}>
        <select className="input input-small" value={values.tokenId} onChange={set('tokenId')}>
          <option value="">any</option>
          {unknownToken ? <option value={values.tokenId}>{values.tokenId.slice(0, 8)}…</option> : null}
          {tokensShown.map((t) => (
            <option key={t.id} value={t.id}>
              {t.name ? `${t.name} (${t.token})` : t.token}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Model" error={errors.model}>
        <input className="input input-small" value={values.model} onChange={set('model')} placeholder="any" autoComplete="off" spellCheck={false} />
      </Field>
      <Field label="Status" error={errors.status}>
        <select className="input input-small" value={values.status} onChange={set('status')}>
          {customStatus ? <option value={values.status}>{values.status}</option> : null}
          {STATUSES.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </Field>
      <Field label="From" error={errors.from} className="filter-wide">
        <input className="input input-small" type="datetime-local" value={values.from} onChange={set('from')} />
      </Field>
      <Field label="To" error={errors.to} className="filter-wide">
        <input className="input input-small" type="datetime-local" value={values.to} onChange={set('to')} />
      </Field>
      <div className="filter-actions">
        <button type="submit" className="btn btn-small btn-primary">
          Apply
        </button>
        <button type="button" className="btn btn-small btn-ghost" onClick={clear} disabled={JSON.stringify(values) === JSON.stringify(emptyRequestFilter)}>
          Clear
        </button>
      </div>
      <FormError message={errors._form} />
    </form>
  );
}
