// "Edit token": its name, total quota, allowed models and rate limits, changed in place (tokens.update).
// The lifetime cannot change after minting; "Mint another like this" starts a new token from this policy.
import { useState, type FormEvent } from 'react';
import type { ProjectView, TokenView } from '../../../main/core/api/views.ts';
import { Dialog } from '../components/dialog.tsx';
import { Field, FormError } from '../components/field.tsx';
import { Spinner } from '../components/states.tsx';
import { checkTokenEdit, tokenEditValuesOf, type TokenEditValues } from '../forms/token-edit-form.ts';
import { tokenFieldOf } from '../forms/token-form.ts';
import { projectDefaultHint } from '../lib/limits-text.ts';
import { formatUsd } from '../lib/money.ts';
import { exactTime } from '../lib/time.ts';
import { useAction } from '../lib/use-action.ts';
import { useFormErrors } from '../lib/use-form-errors.ts';
import { useOffline } from '../stores/connection.ts';
import { notify } from '../stores/notices.ts';
import { useTokens } from '../stores/tokens.ts';

interface TokenEditProps {
  token: TokenView;
  project: ProjectView | undefined;
  onClose: () => void;
  /** Opens the mint dialog with this token's policy (absent when no project can mint). */
  onMintLikeThis?: (() => void) | undefined;
}

export function TokenEditDialog({ token, project, onClose, onMintLikeThis }: TokenEditProps) {
  const update = useTokens((s) => s.update);
  const offline = useOffline();
  const [values, setValues] = useState<TokenEditValues>(() => tokenEditValuesOf(token));
  const action = useAction(update);
  const form = useFormErrors(values, (v: TokenEditValues) => checkTokenEdit(token.id, v), action.error, tokenFieldOf);
  const shown = form.errors;
  const set = (key: keyof TokenEditValues) => (e: { target: { value: string } }) => setValues({ ...values, [key]: e.target.value });
  const label = token.name ?? token.token;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const input = form.validate(event.currentTarget as HTMLFormElement);
    if (!input) return;
    const saved = await action.run(input);
    if (saved) {
      notify('success', `“${saved.name ?? saved.token}” saved`);
      onClose();
    }
  };

  return (
    <Dialog
      title={`Edit “${label}”`}
      onClose={onClose}
      busy={action.pending}
      wide
      description={
        <>
          Changes apply from the next request of <span className="mono">{token.token}</span>.
        </>
      }
    >
      <form className="form" onSubmit={submit} noValidate>
        <div className="form-row form-row-3">
          <Field label="Name" optional error={shown.name} hint="Who or what uses it.">
            <input className="input" value={values.name} onChange={set('name')} autoComplete="off" data-autofocus />
          </Field>
          <Field
            label="Max requests"
            optional
            error={shown.maxRequests}
            hint={`In total; ${token.request_count.toLocaleString('en')} used so far. Empty for no limit.`}
          >
            <input className="input num" inputMode="numeric" value={values.maxRequests} onChange={set('maxRequests')} autoComplete="off" />
          </Field>
          <Field label="Budget (USD)" optional error={shown.maxBudgetUsd} hint={`Over its life; ${formatUsd(token.spend_usd)} spent so far. Empty for none.`}>
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
        <p className="small muted">
          Expires {exactTime(token.expires_at)}. A token's lifetime is fixed when it is minted
          {onMintLikeThis ? (
            <>
              {'; '}
              <button type="button" className="link-button" onClick={onMintLikeThis}>
                mint another like this
              </button>{' '}
              for a new one.
            </>
          ) : (
            '.'
          )}
        </p>
        <FormError message={shown._form} />
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose} disabled={action.pending}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={action.pending || !!offline} title={offline ?? undefined}>
            {action.pending ? (
              <>
                <Spinner /> Saving…
              </>
            ) : (
              'Save'
            )}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
