// Minting a token, and the one time its full value is shown (with a ready-to-paste snippet).
import { useState, type FormEvent } from 'react';
import type { CreatedTokenView, ProjectView } from '../../../main/core/api/views.ts';
import { CopyButton } from '../components/copy-button.tsx';
import { Dialog } from '../components/dialog.tsx';
import { Field, FormError } from '../components/field.tsx';
import { AlertIcon } from '../components/icons.tsx';
import { Spinner } from '../components/states.tsx';
import { checkTokenForm, defaultTokenForm, envSnippet, lifetimeMinutes, tokenFieldOf, type TokenFormValues } from '../forms/token-form.ts';
import { fieldErrorsFrom, type FieldErrors } from '../forms/validate.ts';
import { projectDefaultHint, tokenLimitsSentence } from '../lib/limits-text.ts';
import { hrefFor } from '../lib/router.ts';
import { exactTime, shortTime } from '../lib/time.ts';
import { focusFirstInvalid } from '../lib/focus.ts';
import { useAction } from '../lib/use-action.ts';
import { useTokens } from '../stores/tokens.ts';

export function MintTokenDialog({ projects, projectId, onClose }: { projects: ProjectView[]; projectId: string; onClose: () => void }) {
  const mint = useTokens((s) => s.mint);
  const active = projects.filter((p) => p.is_active);
  const [values, setValues] = useState<TokenFormValues>(defaultTokenForm(active.some((p) => p.id === projectId) ? projectId : (active[0]?.id ?? '')));
  const [errors, setErrors] = useState<FieldErrors>({});
  const action = useAction(mint);
  const server = action.error ? (action.error.issues.length ? fieldErrorsFrom(action.error.issues, tokenFieldOf) : { _form: action.error.message }) : {};
  const shown = { ...server, ...errors };
  const set = (key: keyof TokenFormValues) => (e: { target: { value: string } }) => setValues({ ...values, [key]: e.target.value });
  const minutes = lifetimeMinutes(values);
  const until = minutes ? shortTime(Date.now() + minutes * 60_000) : null;
  const project = active.find((p) => p.id === values.projectId);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const checked = checkTokenForm(values);
    setErrors(checked.ok ? {} : checked.errors);
    if (!checked.ok) return focusFirstInvalid(event.currentTarget as HTMLFormElement);
    // On success the store holds the new token and the screen swaps this dialog for the copy-once one.
    const created = await action.run(checked.value);
    if (created) onClose();
  };

  if (active.length === 0) {
    return (
      <Dialog title="Mint a token" onClose={onClose}>
        <p>Tokens are minted for an active project, and there is none yet.</p>
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <a className="btn btn-primary" href={hrefFor('projects')} data-autofocus>
            Go to Projects
          </a>
        </div>
      </Dialog>
    );
  }

  return (
    <Dialog title="Mint a token" onClose={onClose} busy={action.pending} wide description="The token works only through this proxy, only for the chosen project, and withers when its lifetime or quota runs out.">
      <form className="form" onSubmit={submit} noValidate>
        <div className="form-row">
          <Field label="Project" error={shown.projectId}>
            <select className="input" value={values.projectId} onChange={set('projectId')} data-autofocus={!values.projectId || undefined}>
              {values.projectId === '' ? <option value="">Choose a project</option> : null}
              {active.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Name" optional error={shown.name} hint="Who or what uses it.">
            <input className="input" value={values.name} onChange={set('name')} autoComplete="off" placeholder="e.g. notebook on laptop" data-autofocus={!!values.projectId || undefined} />
          </Field>
        </div>
        <div className="form-row">
          <Field label="Lifetime" error={shown.lifetime} hint={until ? `Until ${until}` : undefined}>
            <div className="input-group">
              <input className="input num" inputMode="numeric" value={values.lifetime} onChange={set('lifetime')} aria-label="Lifetime" />
              <select className="input" value={values.lifetimeUnit} onChange={set('lifetimeUnit')} aria-label="Lifetime unit">
                <option value="minutes">minutes</option>
                <option value="hours">hours</option>
                <option value="days">days</option>
              </select>
            </div>
          </Field>
          <Field label="Max requests" optional error={shown.maxRequests} hint="In total; empty for no limit.">
            <input className="input num" inputMode="numeric" value={values.maxRequests} onChange={set('maxRequests')} autoComplete="off" />
          </Field>
        </div>
        <div className="form-row form-row-3 form-row-even">
          <Field label="Requests per minute" optional error={shown.rpmLimit} hint={projectDefaultHint(project?.default_rpm_limit, 'rpm')}>
            <input className="input num" inputMode="numeric" value={values.rpmLimit} onChange={set('rpmLimit')} autoComplete="off" placeholder="e.g. 60" />
          </Field>
          <Field label="Tokens per minute" optional error={shown.tpmLimit} hint={projectDefaultHint(project?.default_tpm_limit, 'tpm')}>
            <input className="input num" inputMode="numeric" value={values.tpmLimit} onChange={set('tpmLimit')} autoComplete="off" placeholder="e.g. 20000" />
          </Field>
          <Field label="Max concurrent" optional error={shown.maxConcurrent} hint="At once, per instance; empty for none.">
            <input className="input num" inputMode="numeric" value={values.maxConcurrent} onChange={set('maxConcurrent')} autoComplete="off" placeholder="e.g. 4" />
          </Field>
        </div>
        <Field label="Allowed models" optional error={shown.allowedModels} hint="Comma-separated, wildcards * and ? allowed. Empty for any model.">
          <input className="input mono" value={values.allowedModels} onChange={set('allowedModels')} placeholder="gpt-4o-mini, gpt-4.1-*" autoComplete="off" spellCheck={false} />
        </Field>
        <FormError message={shown._form} />
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose} disabled={action.pending}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={action.pending}>
            {action.pending ? (
              <>
                <Spinner /> Minting…
              </>
            ) : (
              'Mint token'
            )}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

export function CreatedTokenDialog({ created, projectName, proxyOrigin, onClose }: { created: CreatedTokenView; projectName: string; proxyOrigin: string; onClose: () => void }) {
  const snippet = envSnippet(proxyOrigin, created.token);
  return (
    <Dialog title="Copy your token now" onClose={onClose} wide className="dialog-created">
      <div className="once-warning" role="note">
        <AlertIcon />
        <p>
          This is the only time the full token is shown. After you close this window only its last four characters are kept.
        </p>
      </div>
      <div className="field">
        <label className="field-label" htmlFor="created-token">
          Token {created.name ? <span className="muted">· {created.name}</span> : null}
        </label>
        <div className="input-with-button">
          <textarea id="created-token" className="input mono secret" readOnly rows={2} value={created.token} onFocus={(e) => e.currentTarget.select()} spellCheck={false} data-testid="created-token" data-autofocus />
          <CopyButton text={created.token} label="Copy token" className="btn-primary" />
        </div>
      </div>
      <div className="field">
        <span className="field-label" id="snippet-label">
          For your shell or <code>.env</code>
        </span>
        <div className="snippet">
          <pre className="mono" aria-labelledby="snippet-label" data-testid="created-snippet">
            {snippet}
          </pre>
          <CopyButton text={snippet} label="Copy snippet" />
        </div>
      </div>
      <dl className="created-facts">
        <div>
          <dt>Project</dt>
          <dd>{projectName}</dd>
        </div>
        <div>
          <dt>Expires</dt>
          <dd>{exactTime(created.expires_at)}</dd>
        </div>
        <div>
          <dt>Limits</dt>
          <dd>{tokenLimitsSentence(created)}</dd>
        </div>
        <div>
          <dt>Models</dt>
          <dd className={created.allowed_models ? 'mono' : undefined}>{created.allowed_models?.join(', ') ?? 'any'}</dd>
        </div>
      </dl>
      <div className="dialog-actions">
        <button type="button" className="btn btn-primary" onClick={onClose}>
          Done, I have copied it
        </button>
      </div>
    </Dialog>
  );
}
