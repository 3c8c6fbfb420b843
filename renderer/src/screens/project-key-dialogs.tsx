// Dialogs opened from the Keys dialog: add a key, edit its label and weight, rotate it, remove it.
// The key fields are password inputs; a key is never shown back, only its masked last four.
import { useState, type FormEvent } from 'react';
import type { ProjectView, UpstreamKeyView } from '../../../main/core/api/views.ts';
import { Dialog } from '../components/dialog.tsx';
import { Field, FormError } from '../components/field.tsx';
import { Cancel, Submit } from '../components/form-buttons.tsx';
import { checkAddKey, checkEditKey, checkRotateKey, emptyKey, keyFieldOf, keyValuesOf, type KeyValues } from '../forms/key-form.ts';
import { fieldErrorsFrom, type FieldErrors } from '../forms/validate.ts';
import { focusFirstInvalid } from '../lib/focus.ts';
import { useAction } from '../lib/use-action.ts';
import { useKeys } from '../stores/keys.ts';
import { notify } from '../stores/notices.ts';

/** Server-side field problems (validation_failed) next to the fields, a taken label on the label, the rest above the buttons. */
function serverErrors(error: ReturnType<typeof useAction>['error']): FieldErrors {
  if (!error) return {};
  if (error.issues.length) return fieldErrorsFrom(error.issues, keyFieldOf);
  if (error.code === 'duplicate_name') return { label: error.message };
  return { _form: error.message };
}

const KEY_HINT = 'Stored encrypted. Only its last 4 characters are shown again.';
const WEIGHT_HINT = 'Share of requests relative to the other enabled keys (1–1000).';

/** The label and weight fields of the Add and Edit dialogs. */
function LabelAndWeight({
  values,
  errors,
  set,
  labelHint,
}: {
  values: KeyValues;
  errors: FieldErrors;
  set: (field: keyof KeyValues) => (e: { target: { value: string } }) => void;
  labelHint?: string;
}) {
  return (
    <div className="form-row">
      <Field label="Label" error={errors.label} hint={labelHint}>
        <input className="input" value={values.label} onChange={set('label')} data-autofocus autoComplete="off" />
      </Field>
      <Field label="Weight" error={errors.weight} hint={WEIGHT_HINT}>
        <input className="input num" inputMode="numeric" value={values.weight} onChange={set('weight')} autoComplete="off" />
      </Field>
    </div>
  );
}

export function AddKeyDialog({ project, onClose }: { project: ProjectView; onClose: () => void }) {
  const add = useKeys((s) => s.add);
  const [values, setValues] = useState<KeyValues>(emptyKey);
  const [errors, setErrors] = useState<FieldErrors>({});
  const action = useAction(add);
  const shown = { ...serverErrors(action.error), ...errors };
  const set = (field: keyof KeyValues) => (e: { target: { value: string } }) => setValues({ ...values, [field]: e.target.value });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const checked = checkAddKey(project.id, values);
    setErrors(checked.ok ? {} : checked.errors);
    if (!checked.ok) return focusFirstInvalid(event.currentTarget as HTMLFormElement);
    const key = await action.run(checked.value);
    if (key) {
      notify('success', `Key “${key.label}” added to “${project.name}” (${key.key})`);
      onClose();
    }
  };

  return (
    <Dialog
      title="Add an upstream key"
      onClose={onClose}
      busy={action.pending}
      description={
        <>
          It joins the rotation of <strong>{project.name}</strong> from the next request.
        </>
      }
    >
      <form className="form" onSubmit={submit} noValidate>
        <LabelAndWeight values={values} errors={shown} set={set} labelHint="Unique within the project, e.g. team-b." />
        <Field label="API key" error={shown.apiKey} hint={KEY_HINT}>
          <input className="input mono" type="password" value={values.apiKey} onChange={set('apiKey')} autoComplete="off" spellCheck={false} />
        </Field>
        <FormError message={shown._form} />
        <div className="dialog-actions">
          <Cancel onClose={onClose} pending={action.pending} />
          <Submit pending={action.pending} busyLabel="Adding…">
            Add key
          </Submit>
        </div>
      </form>
    </Dialog>
  );
}

export function EditKeyDialog({ upstreamKey: key, onClose }: { upstreamKey: UpstreamKeyView; onClose: () => void }) {
  const update = useKeys((s) => s.update);
  const [values, setValues] = useState<KeyValues>(() => keyValuesOf(key));
  const [errors, setErrors] = useState<FieldErrors>({});
  const action = useAction(update);
  const shown = { ...serverErrors(action.error), ...errors };
  const set = (field: keyof KeyValues) => (e: { target: { value: string } }) => setValues({ ...values, [field]: e.target.value });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const checked = checkEditKey(key, values);
    setErrors(checked.ok ? {} : checked.errors);
    if (!checked.ok) return focusFirstInvalid(event.currentTarget as HTMLFormElement);
    const saved = await action.run(checked.value);
    if (saved) {
      notify('success', `Key “${saved.label}” saved`);
      onClose();
    }
  };

  return (
    <Dialog title={`Edit “${key.label}”`} onClose={onClose} busy={action.pending}>
      <form className="form" onSubmit={submit} noValidate>
        <LabelAndWeight values={values} errors={shown} set={set} />
        <FormError message={shown._form} />
        <div className="dialog-actions">
          <Cancel onClose={onClose} pending={action.pending} />
          <Submit pending={action.pending} busyLabel="Saving…">
            Save
          </Submit>
        </div>
      </form>
    </Dialog>
  );
}

export function RotateKeyDialog({ upstreamKey: key, onClose }: { upstreamKey: UpstreamKeyView; onClose: () => void }) {
  const update = useKeys((s) => s.update);
  const [apiKey, setApiKey] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const action = useAction(update);
  const shown = { ...serverErrors(action.error), ...errors };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const checked = checkRotateKey(key, apiKey);
    setErrors(checked.ok ? {} : checked.errors);
    if (!checked.ok) return focusFirstInvalid(event.currentTarget as HTMLFormElement);
    const rotated = await action.run(checked.value);
    if (rotated) {
      setApiKey('');
      notify('success', `Key “${rotated.label}” rotated (now ${rotated.key})`);
      onClose();
    }
  };

  return (
    <Dialog
      title={`Rotate “${key.label}”`}
      onClose={onClose}
      busy={action.pending}
      description={
        <>
          Replaces <span className="mono">{key.key}</span>; label, weight and counters stay. Tokens use the new key from their next request.
        </>
      }
    >
      <form className="form" onSubmit={submit} noValidate>
        <Field label="New API key" error={shown.apiKey} hint={KEY_HINT}>
          <input
            className="input mono"
            type="password"
            value={apiKey}
            onChange={(e) => setApiKey(e.target.value)}
            data-autofocus
            autoComplete="off"
            spellCheck={false}
          />
        </Field>
        <FormError message={shown._form} />
        <div className="dialog-actions">
          <Cancel onClose={onClose} pending={action.pending} />
          <Submit pending={action.pending} busyLabel="Rotating…">
            Rotate key
          </Submit>
        </div>
      </form>
    </Dialog>
  );
}

export function RemoveKeyDialog({ upstreamKey: key, onClose }: { upstreamKey: UpstreamKeyView; onClose: () => void }) {
  const remove = useKeys((s) => s.remove);
  const action = useAction(remove);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const removed = await action.run({ project_id: key.project_id, id: key.id });
    if (removed) {
      notify('success', `Key “${removed.label}” removed`);
      onClose();
    }
  };

  return (
    <Dialog title={`Remove “${key.label}”?`} onClose={onClose} busy={action.pending}>
      <form className="form" onSubmit={submit}>
        <p>
          The key <span className="mono">{key.key}</span> is deleted from this server for good; requests use the project’s other keys from now on. Token usage
          and the audit trail are kept.
        </p>
        <FormError message={action.error?.message} />
        <div className="dialog-actions">
          <Cancel onClose={onClose} pending={action.pending} />
          <Submit pending={action.pending} busyLabel="Removing…" danger>
            Remove key
          </Submit>
        </div>
      </form>
    </Dialog>
  );
}
