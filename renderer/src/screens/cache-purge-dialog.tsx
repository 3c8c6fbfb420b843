// The Cache screen's purge dialog: everything, one project, a URL prefix, or one method + URL (the last
// two optionally within one project), narrowest first and preselected, each with how many cached answers
// it would delete as far as cache.stats can tell. Every purge is audited by the server.
import { useState, type FormEvent } from 'react';
import type { ProjectView } from '../../../main/core/api/views.ts';
import { Dialog } from '../components/dialog.tsx';
import { Field, FormError } from '../components/field.tsx';
import { Spinner } from '../components/states.tsx';
import { purgeEstimate } from '../forms/cache-purge-estimate.ts';
import { checkPurge, describePurge, purgeFieldOf, type PurgeScope, type PurgeValues } from '../forms/cache-purge.ts';
import { useAction } from '../lib/use-action.ts';
import { useFormErrors } from '../lib/use-form-errors.ts';
import { useCache } from '../stores/cache.ts';
import { useOffline } from '../stores/connection.ts';
import { useCan } from '../lib/permissions.ts';
import { notify } from '../stores/notices.ts';

// Narrowest first; the dialog starts on the first.
const SCOPES: { value: PurgeScope; label: string; hint: string }[] = [
  { value: 'url', label: 'One request URL', hint: 'Answers to one method and path (every body and token).' },
  { value: 'prefix', label: 'A URL prefix', hint: 'Answers whose path starts with it, e.g. /v1/embeddings.' },
  { value: 'project', label: 'One project', hint: 'Every cached answer of one project.' },
  { value: 'all', label: 'Everything', hint: 'Every cached answer of every project.' },
];

export function PurgeCacheDialog({ projects, initial, onClose }: { projects: ProjectView[]; initial: PurgeValues; onClose: () => void }) {
  const purge = useCache((s) => s.purge);
  const stats = useCache((s) => s.stats);
  const offline = useOffline();
  // An operator purges its own projects only: never everything, and always naming the project.
  const canPurgeAll = useCan('cache.purgeAll');
  const [values, setValues] = useState<PurgeValues>(canPurgeAll ? initial : { ...initial, projectId: initial.projectId || (projects[0]?.id ?? '') });
  const action = useAction(purge);
  const form = useFormErrors(values, checkPurge, action.error, purgeFieldOf);
  const shown = form.errors;
  const set = <K extends keyof PurgeValues>(key: K, value: PurgeValues[K]) => setValues({ ...values, [key]: value });
  const projectName = (id: string) => projects.find((p) => p.id === id)?.name ?? null;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const input = form.validate(event.currentTarget as HTMLFormElement);
    if (!input) return;
    const result = await action.run(input);
    if (result) {
      notify('success', `Purged ${result.deleted.toLocaleString('en')} cached answer${result.deleted === 1 ? '' : 's'} (${describePurge(input, projectName)})`);
      onClose();
    }
  };

  const projectSelect = (label: string, optionalForOwners: boolean) => {
    const optional = optionalForOwners && canPurgeAll;
    return (
      <Field label={label} error={shown.projectId} optional={optional}>
        <select className="input" value={values.projectId} onChange={(e) => set('projectId', e.target.value)}>
          <option value="">{optional ? 'Every project' : 'Choose a project…'}</option>
          {projects.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
      </Field>
    );
  };

  return (
    <Dialog
      title="Purge cached answers"
      onClose={onClose}
      busy={action.pending}
      description="The next matching request goes to the upstream again. Purges are recorded in the audit trail."
    >
      <form className="form" onSubmit={submit} noValidate>
        <fieldset className="choice-group">
          <legend className="field-label">What to purge</legend>
          {SCOPES.filter((scope) => canPurgeAll || scope.value !== 'all').map((scope) => (
            <label key={scope.value} className="check choice">
              <input type="radio" name="purge-scope" value={scope.value} checked={values.scope === scope.value} onChange={() => set('scope', scope.value)} />
              <span>
                {scope.label}
                <span className="choice-hint">{scope.hint}</span>
                <span className="choice-count small" data-testid={`purge-count-${scope.value}`}>
                  Would delete {purgeEstimate(scope.value, values, stats).text}
                </span>
              </span>
            </label>
          ))}
        </fieldset>
        {values.scope === 'project' ? projectSelect('Project', false) : null}
        {values.scope === 'prefix' ? (
          <>
            <Field label="URL prefix" error={shown.prefix}>
              <input
                className="input mono"
                value={values.prefix}
                onChange={(e) => set('prefix', e.target.value)}
                placeholder="/v1/embeddings"
                autoComplete="off"
                spellCheck={false}
                data-autofocus
              />
            </Field>
            {projectSelect('Only in project', true)}
          </>
        ) : null}
        {values.scope === 'url' ? (
          <>
            <div className="form-row">
              <Field label="Method" error={shown.method} className="field-narrow">
                <select className="input" value={values.method} onChange={(e) => set('method', e.target.value as PurgeValues['method'])}>
                  <option value="POST">POST</option>
                  <option value="GET">GET</option>
                </select>
              </Field>
              <Field label="URL" error={shown.url} hint="Path and query, e.g. /v1/chat/completions.">
                <input
                  className="input mono"
                  value={values.url}
                  onChange={(e) => set('url', e.target.value)}
                  placeholder="/v1/chat/completions"
                  autoComplete="off"
                  spellCheck={false}
                />
              </Field>
            </div>
            {projectSelect('Only in project', true)}
          </>
        ) : null}
        <FormError message={shown._form} />
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose} disabled={action.pending}>
            Cancel
          </button>
          <button type="submit" className="btn btn-danger" disabled={action.pending || !!offline} title={offline ?? undefined}>
            {action.pending ? (
              <>
                <Spinner /> Purging…
              </>
            ) : (
              'Purge'
            )}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
