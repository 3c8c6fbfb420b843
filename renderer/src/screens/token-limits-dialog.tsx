// "Edit limits" of one token after minting: requests and tokens per minute, requests at once, budget in USD.
import { useState, type FormEvent } from 'react';
import type { ProjectView, TokenView } from '../../../main/core/api/views.ts';
import { Dialog } from '../components/dialog.tsx';
import { Field, FormError } from '../components/field.tsx';
import { Spinner } from '../components/states.tsx';
import { checkTokenLimits, tokenLimitFieldOf, tokenLimitValuesOf, type TokenLimitValues } from '../forms/limits-form.ts';
import { projectDefaultHint } from '../lib/limits-text.ts';
import { formatUsd } from '../lib/money.ts';
import { useAction } from '../lib/use-action.ts';
import { useFormErrors } from '../lib/use-form-errors.ts';
import { notify } from '../stores/notices.ts';
import { useTokens } from '../stores/tokens.ts';

export function TokenLimitsDialog({ token, project, onClose }: { token: TokenView; project: ProjectView | undefined; onClose: () => void }) {
  const update = useTokens((s) => s.update);
  const [values, setValues] = useState<TokenLimitValues>(() => tokenLimitValuesOf(token));
  const action = useAction(update);
  const form = useFormErrors(values, (v: TokenLimitValues) => checkTokenLimits(token.id, v), action.error, tokenLimitFieldOf);
  const shown = form.errors;
  const set = (key: keyof TokenLimitValues) => (e: { target: { value: string } }) => setValues({ ...values, [key]: e.target.value });
  const label = token.name ?? token.token;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const input = form.validate(event.currentTarget as HTMLFormElement);
    if (!input) return;
    const saved = await action.run(input);
    if (saved) {
      notify('success', `Limits of “${label}” saved`);
      onClose();
    }
  };

  return (
    <Dialog
      title={`Limits of “${label}”`}
      onClose={onClose}
      busy={action.pending}
      description={
        <>
          Counted per minute. New limits apply from the next request of <span className="mono">{token.token}</span>; its total quota and lifetime stay as they
          are.
        </>
      }
    >
      <form className="form" onSubmit={submit} noValidate>
        <div className="form-row">
          <Field label="Requests per minute" optional error={shown.rpmLimit} hint={projectDefaultHint(project?.default_rpm_limit, 'rpm')}>
            <input
              className="input num"
              inputMode="numeric"
              value={values.rpmLimit}
              onChange={set('rpmLimit')}
              autoComplete="off"
              placeholder="e.g. 60"
              data-autofocus
            />
          </Field>
          <Field label="Tokens per minute" optional error={shown.tpmLimit} hint={projectDefaultHint(project?.default_tpm_limit, 'tpm')}>
            <input className="input num" inputMode="numeric" value={values.tpmLimit} onChange={set('tpmLimit')} autoComplete="off" placeholder="e.g. 20000" />
          </Field>
        </div>
        <div className="form-row">
          <Field label="Max concurrent" optional error={shown.maxConcurrent} hint="Requests in flight at once, on each instance. Empty or 0 for no limit.">
            <input
              className="input num"
              inputMode="numeric"
              value={values.maxConcurrent}
              onChange={set('maxConcurrent')}
              autoComplete="off"
              placeholder="e.g. 4"
            />
          </Field>
          <Field
            label="Budget (USD)"
            optional
            error={shown.maxBudgetUsd}
            hint={`Over the token’s life; ${formatUsd(token.spend_usd)} spent so far. Empty for no budget.`}
          >
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
