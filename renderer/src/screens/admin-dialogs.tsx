// The Admins screen's dialogs: add an admin (role, and projects for an operator), change a role, remove,
// and the one time a new admin's token is shown (closing before copying asks first).
import { useState, type FormEvent } from 'react';
import { adminRoles, type AdminRoleName, type AdminView, type CreatedAdminView } from '../../../main/core/api/admin-schemas.ts';
import type { ProjectView } from '../../../main/core/api/views.ts';
import { CopyButton } from '../components/copy-button.tsx';
import { Dialog } from '../components/dialog.tsx';
import { Field, FormError } from '../components/field.tsx';
import { Cancel, Submit } from '../components/form-buttons.tsx';
import { AlertIcon } from '../components/icons.tsx';
import { ROLE_LABELS } from '../lib/permissions.ts';
import { useAction } from '../lib/use-action.ts';
import { useAdmins } from '../stores/admins.ts';
import { notify } from '../stores/notices.ts';

const ROLE_HINTS: Record<AdminRoleName, string> = {
  owner: 'Everything, including upstream keys, settings and admins.',
  operator: 'Mints, edits and revokes tokens, purges the cache and reads usage and audit of the projects below; nothing else exists for them.',
  viewer: 'Reads everything except secrets; changes nothing.',
};

/** The server's message for one field, if it named that field. */
const issueOf = (error: { issues?: { path: string; message: string }[] } | null, path: string) => error?.issues?.find((i) => i.path === path)?.message;

function RoleFields({
  role,
  setRole,
  chosen,
  setChosen,
  projects,
  error,
}: {
  role: AdminRoleName;
  setRole: (role: AdminRoleName) => void;
  chosen: string[];
  setChosen: (ids: string[]) => void;
  projects: ProjectView[];
  error: { issues?: { path: string; message: string }[] } | null;
}) {
  const toggle = (id: string, on: boolean) => setChosen(on ? [...chosen, id] : chosen.filter((x) => x !== id));
  return (
    <>
      <Field label="Role" hint={ROLE_HINTS[role]} error={issueOf(error, 'role')}>
        <select className="input" value={role} onChange={(e) => setRole(e.target.value as AdminRoleName)}>
          {adminRoles.map((r) => (
            <option key={r} value={r}>
              {ROLE_LABELS[r]}
            </option>
          ))}
        </select>
      </Field>
      {role === 'operator' ? (
        <fieldset className="field">
          <legend className="field-label">Projects</legend>
          {projects.map((p) => (
            <label key={p.id} className="check">
              <input type="checkbox" checked={chosen.includes(p.id)} onChange={(e) => toggle(p.id, e.target.checked)} />
              <span>{p.name}</span>
            </label>
          ))}
          {issueOf(error, 'project_ids') ? <p className="field-error">{issueOf(error, 'project_ids')}</p> : null}
        </fieldset>
      ) : null}
    </>
  );
}

export function NewAdminDialog({ projects, onClose }: { projects: ProjectView[]; onClose: () => void }) {
  const action = useAction(useAdmins((s) => s.create));
  const [name, setName] = useState('');
  const [role, setRole] = useState<AdminRoleName>('operator');
  const [chosen, setChosen] = useState<string[]>([]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const created = await action.run({ name: name.trim(), role, ...(role === 'operator' && { project_ids: chosen }) });
    if (created) onClose();
  };

  return (
    <Dialog title="New admin" onClose={onClose} busy={action.pending}>
      <form className="form" onSubmit={submit} noValidate>
        <Field label="Name" hint="The audit trail names their actions admin:<name>." error={issueOf(action.error, 'name')}>
          <input className="input" value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" data-autofocus />
        </Field>
        <RoleFields role={role} setRole={setRole} chosen={chosen} setChosen={setChosen} projects={projects} error={action.error} />
        <FormError message={action.error && !action.error.issues?.length ? action.error.message : null} />
        <div className="dialog-actions">
          <Cancel onClose={onClose} pending={action.pending} />
          <Submit pending={action.pending} busyLabel="Adding…">
            Add admin
          </Submit>
        </div>
      </form>
    </Dialog>
  );
}

export function EditAdminDialog({ admin, projects, onClose }: { admin: AdminView; projects: ProjectView[]; onClose: () => void }) {
  const action = useAction(useAdmins((s) => s.update));
  const [role, setRole] = useState<AdminRoleName>(admin.role);
  const [chosen, setChosen] = useState<string[]>(admin.project_ids);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const updated = await action.run({ id: admin.id, role, project_ids: role === 'operator' ? chosen : [] });
    if (updated) {
      notify('success', `${updated.name} is now ${ROLE_LABELS[updated.role].toLowerCase()}`);
      onClose();
    }
  };

  return (
    <Dialog title={`Change the role of ${admin.name}`} onClose={onClose} busy={action.pending} description="Applies from their next call.">
      <form className="form" onSubmit={submit} noValidate>
        <RoleFields role={role} setRole={setRole} chosen={chosen} setChosen={setChosen} projects={projects} error={action.error} />
        <FormError message={action.error && !action.error.issues?.length ? action.error.message : null} />
        <div className="dialog-actions">
          <Cancel onClose={onClose} pending={action.pending} />
          <Submit pending={action.pending} busyLabel="Saving…">
            Save role
          </Submit>
        </div>
      </form>
    </Dialog>
  );
}

export function RemoveAdminDialog({ admin, onClose }: { admin: AdminView; onClose: () => void }) {
  const action = useAction(useAdmins((s) => s.remove));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (await action.run(admin.id)) {
      notify('success', `${admin.name} removed`);
      onClose();
    }
  };
  return (
    <Dialog title={`Remove ${admin.name}?`} onClose={onClose} busy={action.pending}>
      <form className="form" onSubmit={submit}>
        <p>
          Their token (<span className="mono">{admin.token}</span>) is refused from their next call on, on every instance. Their past actions stay in the audit
          trail.
        </p>
        <FormError message={action.error?.message} />
        <div className="dialog-actions">
          <Cancel onClose={onClose} pending={action.pending} />
          <Submit pending={action.pending} busyLabel="Removing…" danger>
            Remove admin
          </Submit>
        </div>
      </form>
    </Dialog>
  );
}

export function CreatedAdminDialog({ created, onClose }: { created: CreatedAdminView; onClose: () => void }) {
  const [copied, setCopied] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const markCopied = () => setCopied(true);

  if (confirming) {
    return (
      <Dialog key="confirm" title="Copy the token now" onClose={() => setConfirming(false)} className="dialog-created">
        <div className="once-warning" role="alert">
          <AlertIcon />
          <div>
            <p className="once-question">Close without copying the token?</p>
            <p>It cannot be shown again; {created.name} would need a new admin entry.</p>
          </div>
        </div>
        <div className="dialog-actions">
          <button type="button" className="btn btn-danger" onClick={onClose}>
            Close without copying
          </button>
          <button type="button" className="btn btn-primary" onClick={() => setConfirming(false)} data-autofocus>
            Go back to the token
          </button>
        </div>
      </Dialog>
    );
  }

  return (
    <Dialog key="token" title="Copy the token now" onClose={() => (copied ? onClose() : setConfirming(true))} wide className="dialog-created">
      <div className="once-warning" role="note">
        <AlertIcon />
        <p>
          This is the only time {created.name}’s token is shown. Hand it to them: they sign in to these screens with it, or use it as{' '}
          <span className="mono">LLM_PROXY_MANAGEMENT_TOKEN</span> with the CLI.
        </p>
      </div>
      <div className="field">
        <label className="field-label" htmlFor="created-admin-token">
          Token of {created.name} <span className="muted">· {ROLE_LABELS[created.role]}</span>
        </label>
        <div className="input-with-button">
          <textarea
            id="created-admin-token"
            className="input mono secret"
            readOnly
            rows={2}
            value={created.token}
            onFocus={(e) => e.currentTarget.select()}
            onCopy={markCopied}
            spellCheck={false}
            data-testid="created-admin-token"
            data-autofocus
          />
          <CopyButton text={created.token} label="Copy token" className="btn-primary" onCopied={markCopied} />
        </div>
      </div>
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={() => (copied ? onClose() : setConfirming(true))}>
          Done
        </button>
      </div>
    </Dialog>
  );
}
