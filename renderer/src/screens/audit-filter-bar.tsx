// The audit filters (action, outcome, project, token, actor, time range, search), applied together.
import { useId, useState, type FormEvent } from 'react';
import type { ProjectView, TokenView } from '../../../main/core/api/views.ts';
import { Field, FormError } from '../components/field.tsx';
import { checkAuditFilter, emptyAuditFilter, type AuditFilterValues, type AuditQuery } from '../forms/audit-filter.ts';
import type { FieldErrors } from '../forms/validate.ts';
import { actionLabel, KNOWN_ACTIONS } from '../lib/audit-labels.ts';
import { focusFirstInvalid } from '../lib/focus.ts';

interface Props {
  initial: AuditFilterValues;
  projects: ProjectView[];
  tokens: TokenView[];
  onApply: (query: AuditQuery) => void;
}

export function AuditFilterBar({ initial, projects, tokens, onApply }: Props) {
  const [values, setValues] = useState<AuditFilterValues>(initial);
  const [errors, setErrors] = useState<FieldErrors>({});
  const actionsListId = useId();
  const set = (key: keyof AuditFilterValues) => (e: { target: { value: string } }) => setValues({ ...values, [key]: e.target.value });
  const tokensShown = values.projectId ? tokens.filter((t) => t.project_id === values.projectId) : tokens;
  const unknownToken = values.tokenId && !tokens.some((t) => t.id === values.tokenId);

  const apply = (next: AuditFilterValues, form?: HTMLFormElement) => {
    const checked = checkAuditFilter(next);
    setErrors(checked.ok ? {} : checked.errors);
    if (checked.ok) onApply(checked.value);
    else focusFirstInvalid(form ?? null);
  };
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    apply(values, event.currentTarget);
  };
  const clear = () => {
    setValues(emptyAuditFilter);
    apply(emptyAuditFilter);
  };
  const dirty = JSON.stringify(values) !== JSON.stringify(emptyAuditFilter);

  return (
    <form className="filter-bar" onSubmit={submit} noValidate aria-label="Filter audit events">
      <Field label="Search" error={errors.search} className="filter-search">
        <input className="input input-small" type="search" value={values.search} onChange={set('search')} placeholder="Id, actor, IP, details…" />
      </Field>
      <Field label="Action" error={errors.action}>
        <input
          className="input input-small"
          list={actionsListId}
          value={values.action}
          onChange={set('action')}
          placeholder="any"
          autoComplete="off"
          spellCheck={false}
        />
      </Field>
      <datalist id={actionsListId}>
        {KNOWN_ACTIONS.map((a) => (
          <option key={a} value={a}>
            {actionLabel(a)}
          </option>
        ))}
      </datalist>
      <Field label="Outcome" error={errors.outcome}>
        <select className="input input-small" value={values.outcome} onChange={set('outcome')}>
          <option value="">any</option>
          <option value="success">Success</option>
          <option value="failure">Failed</option>
          <option value="denied">Denied</option>
        </select>
      </Field>
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
      <Field label="Actor" error={errors.actor}>
        <input className="input input-small" value={values.actor} onChange={set('actor')} placeholder="admin:alice" autoComplete="off" spellCheck={false} />
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
        <button type="button" className="btn btn-small btn-ghost" onClick={clear} disabled={!dirty}>
          Clear
        </button>
      </div>
      <FormError message={errors._form} />
    </form>
  );
}
