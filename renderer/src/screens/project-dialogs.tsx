// The Projects screen's dialogs: new project, rename, deactivate, revoke all tokens (keys and
// transformations have their own files).
import { useState, type FormEvent } from 'react';
import type { ProjectView } from '../../../main/core/api/views.ts';
import { Dialog } from '../components/dialog.tsx';
import { Field, FormError } from '../components/field.tsx';
import { Cancel, Submit } from '../components/form-buttons.tsx';
import { checkNewProject, checkRename, emptyProject, projectFieldOf, type NewProjectValues } from '../forms/project-form.ts';
import { fieldErrorsFrom, type FieldErrors } from '../forms/validate.ts';
import { focusFirstInvalid } from '../lib/focus.ts';
import { providerOptions, providerTexts } from '../lib/providers.ts';
import { useAction } from '../lib/use-action.ts';
import { useFormErrors } from '../lib/use-form-errors.ts';
import { notify } from '../stores/notices.ts';
import { useProjects } from '../stores/projects.ts';
import { useTokens } from '../stores/tokens.ts';

/** Server-side field problems (validation_failed) next to the fields, the rest above the buttons. */
function serverErrors(error: ReturnType<typeof useAction>['error']): FieldErrors {
  if (!error) return {};
  if (error.issues.length) return fieldErrorsFrom(error.issues, projectFieldOf);
  if (error.code === 'duplicate_name') return { name: error.message };
  return { _form: error.message };
}

export function NewProjectDialog({ onClose }: { onClose: () => void }) {
  const create = useProjects((s) => s.create);
  const [values, setValues] = useState<NewProjectValues>(emptyProject);
  const action = useAction(create);
  const form = useFormErrors(values, checkNewProject, action.error, projectFieldOf, serverErrors);
  const shown = form.errors;
  const set = (key: keyof NewProjectValues) => (e: { target: { value: string } }) => setValues({ ...values, [key]: e.target.value });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const input = form.validate(event.currentTarget as HTMLFormElement);
    if (!input) return;
    const project = await action.run(input);
    if (project) {
      notify('success', `Project “${project.name}” created`);
      onClose();
    }
  };

  const provider = providerTexts[values.provider];

  return (
    <Dialog
      title="New project"
      onClose={onClose}
      busy={action.pending}
      description="A project holds the upstream API key (add more keys later). Tokens minted for it use those keys; the keys themselves never leave this server."
    >
      <form className="form" onSubmit={submit} noValidate>
        <Field label="Name" error={shown.name}>
          <input className="input" value={values.name} onChange={set('name')} data-autofocus autoComplete="off" placeholder="e.g. research-scripts" />
        </Field>
        <div className="form-row">
          <Field label="Provider" error={shown.provider} className="field-narrow">
            <select className="input" value={values.provider} onChange={set('provider')}>
              {providerOptions.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.label}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Upstream base URL" optional={provider.defaultBaseUrl !== null} error={shown.baseUrl} hint={provider.hint}>
            <input
              className="input mono"
              value={values.baseUrl}
              onChange={set('baseUrl')}
              placeholder={provider.placeholder}
              autoComplete="off"
              spellCheck={false}
              inputMode="url"
            />
          </Field>
        </div>
        <Field label="Upstream API key" error={shown.apiKey} hint="Stored encrypted. Only its last 4 characters are shown again.">
          <input className="input mono" type="password" value={values.apiKey} onChange={set('apiKey')} autoComplete="off" spellCheck={false} />
        </Field>
        <FormError message={shown._form} />
        <div className="dialog-actions">
          <Cancel onClose={onClose} pending={action.pending} />
          <Submit pending={action.pending} busyLabel="Creating…">
            Create project
          </Submit>
        </div>
      </form>
    </Dialog>
  );
}

export function RenameProjectDialog({ project, onClose }: { project: ProjectView; onClose: () => void }) {
  const update = useProjects((s) => s.update);
  const [name, setName] = useState(project.name);
  const [errors, setErrors] = useState<FieldErrors>({});
  const action = useAction(update);
  const shown = { ...serverErrors(action.error), ...errors };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const checked = checkRename(project.id, name);
    setErrors(checked.ok ? {} : checked.errors);
    if (!checked.ok) return focusFirstInvalid(event.currentTarget as HTMLFormElement);
    const renamed = await action.run(checked.value);
    if (renamed) {
      notify('success', `Renamed to “${renamed.name}”`);
      onClose();
    }
  };

  return (
    <Dialog title={`Rename “${project.name}”`} onClose={onClose} busy={action.pending}>
      <form className="form" onSubmit={submit} noValidate>
        <Field label="Name" error={shown.name}>
          <input className="input" value={name} onChange={(e) => setName(e.target.value)} data-autofocus autoComplete="off" />
        </Field>
        <FormError message={shown._form} />
        <div className="dialog-actions">
          <Cancel onClose={onClose} pending={action.pending} />
          <Submit pending={action.pending} busyLabel="Saving…">
            Rename
          </Submit>
        </div>
      </form>
    </Dialog>
  );
}

export function DeactivateProjectDialog({ project, activeTokens, onClose }: { project: ProjectView; activeTokens: number; onClose: () => void }) {
  const update = useProjects((s) => s.update);
  const reloadTokens = useTokens((s) => s.load);
  const [revoke, setRevoke] = useState(false);
  const action = useAction(update);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const done = await action.run({ id: project.id, is_active: false, ...(revoke ? { revoke_tokens: true } : {}) });
    if (done) {
      notify('success', `Project “${done.name}” deactivated${revoke ? ' and its tokens revoked' : ''}`);
      void reloadTokens({ quiet: true });
      onClose();
    }
  };

  return (
    <Dialog title={`Deactivate “${project.name}”?`} onClose={onClose} busy={action.pending}>
      <form className="form" onSubmit={submit}>
        <p>Requests with this project’s tokens are refused while it is inactive. You can reactivate it later; nothing is deleted.</p>
        <label className="check">
          <input type="checkbox" checked={revoke} onChange={(e) => setRevoke(e.target.checked)} />
          <span>Also revoke {activeTokens === 0 ? 'its tokens' : activeTokens === 1 ? 'its active token' : `its ${activeTokens} active tokens`} for good</span>
        </label>
        <FormError message={action.error?.message} />
        <div className="dialog-actions">
          <Cancel onClose={onClose} pending={action.pending} />
          <Submit pending={action.pending} busyLabel="Deactivating…" danger>
            Deactivate
          </Submit>
        </div>
      </form>
    </Dialog>
  );
}

export function RevokeProjectTokensDialog({ project, activeTokens, onClose }: { project: ProjectView; activeTokens: number; onClose: () => void }) {
  const revokeTokens = useProjects((s) => s.revokeTokens);
  const reloadTokens = useTokens((s) => s.load);
  const action = useAction(revokeTokens);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await action.run(project.id);
    if (result) {
      const already = result.already_revoked_count ? ` (${result.already_revoked_count} were already revoked)` : '';
      notify('success', `Revoked ${result.revoked_count} token${result.revoked_count === 1 ? '' : 's'} of “${project.name}”${already}`);
      void reloadTokens({ quiet: true });
      onClose();
    }
  };

  return (
    <Dialog title={`Revoke every token of “${project.name}”?`} onClose={onClose} busy={action.pending}>
      <form className="form" onSubmit={submit}>
        <p>
          {activeTokens === 0
            ? 'This project has no active tokens right now.'
            : `${activeTokens} active token${activeTokens === 1 ? '' : 's'} will stop working on the next request.`}{' '}
          The project and its key stay as they are.
        </p>
        <FormError message={action.error?.message} />
        <div className="dialog-actions">
          <Cancel onClose={onClose} pending={action.pending} />
          <Submit pending={action.pending} busyLabel="Revoking…" danger>
            Revoke all tokens
          </Submit>
        </div>
      </form>
    </Dialog>
  );
}
