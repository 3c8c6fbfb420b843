// The Projects screen's "Transformations" dialog: rewrites applied to every request of the project
// (default model, model aliases, max-tokens ceiling, headers set or removed, system prompt prefix).
// The whole set is saved at once; an empty field removes that rewrite.
import { useState, type FormEvent } from 'react';
import type { ProjectView } from '../../../main/core/api/views.ts';
import { Dialog } from '../components/dialog.tsx';
import { Field, FormError } from '../components/field.tsx';
import { Cancel, Submit } from '../components/form-buttons.tsx';
import { checkTransformations, transformationFieldOf, transformationValuesOf, type TransformationValues } from '../forms/transformations-form.ts';
import { fieldErrorsFrom, type FieldErrors } from '../forms/validate.ts';
import { focusFirstInvalid } from '../lib/focus.ts';
import { useAction } from '../lib/use-action.ts';
import { notify } from '../stores/notices.ts';
import { useProjects } from '../stores/projects.ts';

export function ProjectTransformationsDialog({ project, onClose }: { project: ProjectView; onClose: () => void }) {
  const update = useProjects((s) => s.update);
  const [values, setValues] = useState<TransformationValues>(() => transformationValuesOf(project.transformations));
  const [errors, setErrors] = useState<FieldErrors>({});
  const action = useAction(update);
  const server = action.error
    ? action.error.issues.length
      ? fieldErrorsFrom(action.error.issues, transformationFieldOf)
      : { _form: action.error.message }
    : {};
  const shown = { ...server, ...errors };
  const set = (field: keyof TransformationValues) => (e: { target: { value: string } }) => setValues({ ...values, [field]: e.target.value });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const checked = checkTransformations(project.id, values);
    setErrors(checked.ok ? {} : checked.errors);
    if (!checked.ok) return focusFirstInvalid(event.currentTarget as HTMLFormElement);
    const saved = await action.run(checked.value);
    if (saved) {
      notify('success', `Transformations of “${saved.name}” saved`);
      onClose();
    }
  };

  return (
    <Dialog
      title={`Transformations of “${project.name}”`}
      onClose={onClose}
      busy={action.pending}
      wide
      description="Applied to every request of this project before it goes upstream, from the next request on. Leave a field empty for no rewrite."
    >
      <form className="form" onSubmit={submit} noValidate>
        <div className="form-row">
          <Field label="Default model" optional error={shown.defaultModel} hint="Used when a request names no model.">
            <input
              className="input mono"
              value={values.defaultModel}
              onChange={set('defaultModel')}
              data-autofocus
              autoComplete="off"
              spellCheck={false}
              placeholder="e.g. gpt-4o-mini"
            />
          </Field>
          <Field label="Max tokens ceiling" optional error={shown.maxTokens} hint="Larger max_tokens are lowered to it; missing ones set to it.">
            <input className="input num" inputMode="numeric" value={values.maxTokens} onChange={set('maxTokens')} autoComplete="off" placeholder="e.g. 4000" />
          </Field>
        </div>
        <Field label="Model aliases" optional error={shown.aliases} hint="One per line: alias = model. Clients may name the alias; the model is sent.">
          <textarea
            className="input mono textarea"
            rows={3}
            value={values.aliases}
            onChange={set('aliases')}
            spellCheck={false}
            placeholder={'fast = gpt-4o-mini\nsmart = gpt-4o'}
          />
        </Field>
        <div className="form-row">
          <Field label="Headers to set" optional error={shown.setHeaders} hint="One per line: Name: value. Never credentials.">
            <textarea
              className="input mono textarea"
              rows={3}
              value={values.setHeaders}
              onChange={set('setHeaders')}
              spellCheck={false}
              placeholder="x-team: research"
            />
          </Field>
          <Field label="Headers to remove" optional error={shown.removeHeaders} hint="Names, separated by commas.">
            <input
              className="input mono"
              value={values.removeHeaders}
              onChange={set('removeHeaders')}
              autoComplete="off"
              spellCheck={false}
              placeholder="x-debug, x-trace"
            />
          </Field>
        </div>
        <Field label="System prompt prefix" optional error={shown.systemPrefix} hint="Put before the system prompt (sent as one when the request has none).">
          <textarea className="input textarea" rows={4} value={values.systemPrefix} onChange={set('systemPrefix')} placeholder="e.g. Answer in English." />
        </Field>
        <FormError message={shown._form} />
        <div className="dialog-actions">
          <Cancel onClose={onClose} pending={action.pending} />
          <Submit pending={action.pending} busyLabel="Saving…">
            Save transformations
          </Submit>
        </div>
      </form>
    </Dialog>
  );
}
