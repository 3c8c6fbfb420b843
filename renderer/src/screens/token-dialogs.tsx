// Minting a token: a blank policy, or another token's ("duplicate this token's policy").
import { useState, type FormEvent } from 'react';
import type { ProjectView, TokenView } from '../../../main/core/api/views.ts';
import { Dialog } from '../components/dialog.tsx';
import { Field, FormError } from '../components/field.tsx';
import { Spinner } from '../components/states.tsx';
import { checkTokenForm, defaultTokenForm, lifetimeMinutes, policyOf, tokenFieldOf, type TokenFormValues } from '../forms/token-form.ts';
import { projectDefaultHint } from '../lib/limits-text.ts';
import { hrefFor } from '../lib/router.ts';
import { shortTime } from '../lib/time.ts';
import { activeFirst } from '../lib/token-list.ts';
import { useAction } from '../lib/use-action.ts';
import { useFormErrors } from '../lib/use-form-errors.ts';
import { useOffline } from '../stores/connection.ts';
import { useTokens } from '../stores/tokens.ts';

interface MintProps {
  projects: ProjectView[];
  /** Tokens whose policy the form can start from. */
  tokens: TokenView[];
  projectId: string;
  /** Start from this token's policy. */
  from?: TokenView | undefined;
  onClose: () => void;
}

export function MintTokenDialog({ projects, tokens, projectId, from, onClose }: MintProps) {
  const mint = useTokens((s) => s.mint);
  const offline = useOffline();
  const active = projects.filter((p) => p.is_active);
  const isActive = (id: string) => active.some((p) => p.id === id);
  const blank = () => defaultTokenForm(isActive(projectId) ? projectId : (active[0]?.id ?? ''));
  const startFrom = (token: TokenView | undefined): TokenFormValues => (token && isActive(token.project_id) ? policyOf(token) : blank());
  const [values, setValues] = useState<TokenFormValues>(() => startFrom(from));
  const [template, setTemplate] = useState(from && isActive(from.project_id) ? from.id : '');
  const action = useAction(mint);
  const form = useFormErrors(values, checkTokenForm, action.error, tokenFieldOf);
  const shown = form.errors;
  const set = (key: keyof TokenFormValues) => (e: { target: { value: string } }) => setValues({ ...values, [key]: e.target.value });
  const templates = tokens.filter((t) => isActive(t.project_id)).sort(activeFirst);
  const applyTemplate = (id: string) => {
    setTemplate(id);
    // The name typed so far stays; everything else comes from the chosen token (or a blank policy).
    setValues({ ...startFrom(templates.find((t) => t.id === id)), name: values.name });
  };
  const minutes = lifetimeMinutes(values);
  const until = minutes ? shortTime(Date.now() + minutes * 60_000) : null;
  const project = active.find((p) => p.id === values.projectId);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const input = form.validate(event.currentTarget as HTMLFormElement);
    if (!input) return;
    // On success the store holds the new token and the screen swaps this dialog for the copy-once one.
    const created = await action.run(input);
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
    <Dialog
      title="Mint a token"
      onClose={onClose}
      busy={action.pending}
      wide
      description="The token works only through this proxy, only for the chosen project, and withers when its lifetime or quota runs out."
    >
      <form className="form" onSubmit={submit} noValidate>
        {templates.length > 0 ? (
          <Field label="Start from" hint="Duplicate another token's policy: project, lifetime, quota, limits and models.">
            <select className="input" value={template} onChange={(e) => applyTemplate(e.target.value)}>
              <option value="">A blank policy</option>
              {templates.map((t) => (
                <option key={t.id} value={t.id}>
                  {`${t.name ?? 'Unnamed token'} (${t.token}) · ${projects.find((p) => p.id === t.project_id)?.name ?? ''}`}
                </option>
              ))}
            </select>
          </Field>
        ) : null}
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
            <input
              className="input"
              value={values.name}
              onChange={set('name')}
              autoComplete="off"
              placeholder="e.g. notebook on laptop"
              data-autofocus={!!values.projectId || undefined}
            />
          </Field>
        </div>
        <div className="form-row form-row-3">
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
          <Field label="Budget (USD)" optional error={shown.maxBudgetUsd} hint="Over its life, priced models only; empty for none.">
            <input
              className="input num"
              inputMode="decimal"
              value={values.maxBudgetUsd}
              onChange={set('maxBudgetUsd')}
              autoComplete="off"
              placeholder="e.g. 5"
            />
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
            <input
              className="input num"
              inputMode="numeric"
              value={values.maxConcurrent}
              onChange={set('maxConcurrent')}
              autoComplete="off"
              placeholder="e.g. 4"
            />
          </Field>
        </div>
        <Field label="Allowed models" optional error={shown.allowedModels} hint="Comma-separated, wildcards * and ? allowed. Empty for any model.">
          <input
            className="input mono"
            value={values.allowedModels}
            onChange={set('allowedModels')}
            placeholder="gpt-4o-mini, gpt-4.1-*"
            autoComplete="off"
            spellCheck={false}
          />
        </Field>
        <FormError message={shown._form} />
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose} disabled={action.pending}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={action.pending || !!offline} title={offline ?? undefined}>
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
