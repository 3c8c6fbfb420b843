// The Projects screen's dialogs: new project, rename, replace key, deactivate, revoke all tokens.
import { useState, type FormEvent } from 'react';
import type { ProjectView } from '../../../main/core/api/views.ts';
import { Dialog } from '../components/dialog.tsx';
import { Field, FormError } from '../components/field.tsx';
import { Spinner } from '../components/states.tsx';
import { checkNewProject, checkRename, checkReplaceKey, emptyProject, projectFieldOf, type NewProjectValues } from '../forms/project-form.ts';
import { fieldErrorsFrom, type FieldErrors } from '../forms/validate.ts';
import { focusFirstInvalid } from '../lib/focus.ts';
import { useAction } from '../lib/use-action.ts';
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

function Submit({ pending, children, busyLabel, danger }: { pending: boolean; children: string; busyLabel: string; danger?: boolean }) {
  return (
    <button type="submit" className={danger ? 'btn btn-danger' : 'btn btn-primary'} disabled={pending}>
      {pending ? (
        <>
          <Spinner /> {busyLabel}
        </>
      ) : (
        children
      )}
    </button>
  );
}

function Cancel({ onClose, pending }: { onClose: () => void; pending: boolean }) {
  return (
    <button type="button" className="btn" onClick={onClose} disabled={pending}>
      Cancel
    </button>
  );
}

export function NewProjectDialog({ onClose }: { onClose: () => void }) {
  const create = useProjects((s) => s.create);
  const [values, setValues] = useState<NewProjectValues>(emptyProject);
  const [errors, setErrors] = useState<FieldErrors>({});
  const action = useAction(create);
  const shown = { ...serverErrors(action.error), ...errors };
  const set = (key: keyof NewProjectValues) => (e: { target: { value: string } }) => setValues({ ...values, [key]: e.target.value });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const checked = checkNewProject(values);
    setErrors(checked.ok ? {} : checked.errors);
    if (!checked.ok) return focusFirstInvalid(event.currentTarget as HTMLFormElement);
    const project = await action.run(checked.value);
    if (project) {
      notify('success', `Project “${project.name}” created`);
      onClose();
    }
  };

  return (
    <Dialog title="New project" onClose={onClose} busy={action.pending} description="A project holds the upstream API key. Tokens minted for it use that key; the key itself never leaves this server.">
      <form className="form" onSubmit={submit} noValidate>
        <Field label="Name" error={shown.name}>
          <input className="input" value={values.name} onChange={set('name')} data-autofocus autoComplete="off" placeholder="e.g. research-scripts" />
        </Field>
        <div className="form-row">
          <Field label="Provider" error={shown.provider} className="field-narrow">
            <select className="input" value={values.provider} onChange={set('provider')}>
              <option value="openai">OpenAI-compatible</option>
              <option value="anthropic">Anthropic</option>
            </select>
          </Field>
          <Field label="Upstream base URL" optional error={shown.baseUrl} hint="Empty for https://api.openai.com.">
            <input className="input mono" value={values.baseUrl} onChange={set('baseUrl')} placeholder="https://api.openai.com" autoComplete="off" spellCheck={false} inputMode="url" />
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

export function ReplaceKeyDialog({ project, onClose }: { project: ProjectView; onClose: () => void }) {
  const update = useProjects((s) => s.update);
  const [key, setKey] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const action = useAction(update);
  const shown = { ...serverErrors(action.error), ...errors };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const checked = checkReplaceKey(project.id, key);
    setErrors(checked.ok ? {} : checked.errors);
    if (!checked.ok) return focusFirstInvalid(event.currentTarget as HTMLFormElement);
    const updated = await action.run(checked.value);
    if (updated) {
      setKey('');
      notify('success', `Key of “${updated.name}” replaced (now ${updated.api_key})`);
      onClose();
    }
  };

  return (
    <Dialog
      title="Replace upstream key"
      onClose={onClose}
      busy={action.pending}
      description={
        <>
          The current key of <strong>{project.name}</strong> is <span className="mono">{project.api_key}</span>. Existing tokens keep working and use the new key from their next request.
        </>
      }
    >
      <form className="form" onSubmit={submit} noValidate>
        <Field label="New API key" error={shown.apiKey}>
          <input className="input mono" type="password" value={key} onChange={(e) => setKey(e.target.value)} data-autofocus autoComplete="off" spellCheck={false} />
        </Field>
        <FormError message={shown._form} />
        <div className="dialog-actions">
          <Cancel onClose={onClose} pending={action.pending} />
          <Submit pending={action.pending} busyLabel="Replacing…">
            Replace key
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
          <span>
            Also revoke {activeTokens === 0 ? 'its tokens' : activeTokens === 1 ? 'its active token' : `its ${activeTokens} active tokens`} for good
          </span>
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
          {activeTokens === 0 ? 'This project has no active tokens right now.' : `${activeTokens} active token${activeTokens === 1 ? '' : 's'} will stop working on the next request.`} The project and its key stay as they are.
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
