// The Projects screen's "Limits" dialog: per-minute defaults for the project's tokens, and a budget
// shared with every project (on every instance on the same Redis) that uses the same upstream key or name.
import { useState, type FormEvent } from 'react';
import type { ProjectView } from '../../../main/core/api/views.ts';
import { Dialog } from '../components/dialog.tsx';
import { Field, FormError } from '../components/field.tsx';
import { Spinner } from '../components/states.tsx';
import { checkProjectLimits, projectLimitFieldOf, projectLimitValuesOf, type ProjectLimitValues } from '../forms/limits-form.ts';
import { useAction } from '../lib/use-action.ts';
import { useFormErrors } from '../lib/use-form-errors.ts';
import { notify } from '../stores/notices.ts';
import { useProjects } from '../stores/projects.ts';

export function ProjectLimitsDialog({ project, onClose }: { project: ProjectView; onClose: () => void }) {
  const update = useProjects((s) => s.update);
  const [values, setValues] = useState<ProjectLimitValues>(() => projectLimitValuesOf(project));
  const action = useAction(update);
  const form = useFormErrors(values, (v: ProjectLimitValues) => checkProjectLimits(project.id, v), action.error, projectLimitFieldOf);
  const shown = form.errors;
  const set = (key: keyof ProjectLimitValues) => (e: { target: { value: string } }) => setValues({ ...values, [key]: e.target.value });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const input = form.validate(event.currentTarget as HTMLFormElement);
    if (!input) return;
    const saved = await action.run(input);
    if (saved) {
      notify('success', `Limits of “${saved.name}” saved`);
      onClose();
    }
  };

  return (
    <Dialog
      title={`Limits of “${project.name}”`}
      onClose={onClose}
      busy={action.pending}
      wide
      description="Counted per minute. Leave a field empty (or 0) for no limit; changes apply from the next request."
    >
      <form className="form" onSubmit={submit} noValidate>
        <fieldset className="form-section">
          <legend className="form-section-title">Each token’s default</legend>
          <p className="form-section-note">For tokens that set no limit of their own. A token’s own limit (or 0) wins.</p>
          <div className="form-row">
            <Field label="Requests per minute" optional error={shown.defaultRpm}>
              <input
                className="input num"
                inputMode="numeric"
                value={values.defaultRpm}
                onChange={set('defaultRpm')}
                autoComplete="off"
                placeholder="e.g. 60"
                data-autofocus
              />
            </Field>
            <Field label="Tokens per minute" optional error={shown.defaultTpm}>
              <input
                className="input num"
                inputMode="numeric"
                value={values.defaultTpm}
                onChange={set('defaultTpm')}
                autoComplete="off"
                placeholder="e.g. 20000"
              />
            </Field>
          </div>
        </fieldset>
        <fieldset className="form-section">
          <legend className="form-section-title">Shared budget</legend>
          <p className="form-section-note">One budget for all tokens of every project that shares it, on top of each token’s own limits.</p>
          <div className="form-row">
            <Field label="Requests per minute" optional error={shown.sharedRpm}>
              <input className="input num" inputMode="numeric" value={values.sharedRpm} onChange={set('sharedRpm')} autoComplete="off" placeholder="e.g. 500" />
            </Field>
            <Field label="Tokens per minute" optional error={shown.sharedTpm}>
              <input
                className="input num"
                inputMode="numeric"
                value={values.sharedTpm}
                onChange={set('sharedTpm')}
                autoComplete="off"
                placeholder="e.g. 200000"
              />
            </Field>
          </div>
          <Field
            label="Budget name"
            optional
            error={shown.sharedKey}
            hint="Empty: instances on the same Redis that hold the same upstream key share one budget (named by a fingerprint of the key, never the key). A name (letters, digits, . _ - :) shares it with every project using that name."
          >
            <input
              className="input mono"
              value={values.sharedKey}
              onChange={set('sharedKey')}
              autoComplete="off"
              spellCheck={false}
              placeholder="fingerprint of the upstream key"
            />
          </Field>
        </fieldset>
        <FormError message={shown._form} />
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose} disabled={action.pending}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={action.pending}>
            {action.pending ? (
              <>
                <Spinner /> Saving…
              </>
            ) : (
              'Save limits'
            )}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
