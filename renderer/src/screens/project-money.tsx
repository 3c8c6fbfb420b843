// A project's money on the Projects screen: the "Spend" line (this UTC month against the monthly budget,
// and in all) and its dialog, which edits the monthly budget and the project's own prices per model glob.
import { useState, type FormEvent } from 'react';
import type { ProjectView } from '../../../main/core/api/views.ts';
import { Dialog } from '../components/dialog.tsx';
import { Field, FormError } from '../components/field.tsx';
import { Spinner } from '../components/states.tsx';
import {
  checkProjectMoney,
  emptyPriceRow,
  projectMoneyFieldOf,
  projectMoneyValuesOf,
  type PriceRowValues,
  type ProjectMoneyValues,
} from '../forms/money-form.ts';
import { formatUsd, spendText, unpricedNote } from '../lib/money.ts';
import { useCan } from '../lib/permissions.ts';
import { useAction } from '../lib/use-action.ts';
import { useFormErrors } from '../lib/use-form-errors.ts';
import { useOffline } from '../stores/connection.ts';
import { notify } from '../stores/notices.ts';
import { useProjects } from '../stores/projects.ts';
import { usageRow, useUsage } from '../stores/usage.ts';

/** "$0.048 this month of $10 · $1.20 in all", "unpriced" when its answers had no price (last 7 days). */
export function ProjectSpendFact({ project, onEdit }: { project: ProjectView; onEdit: () => void }) {
  const offline = useOffline();
  const canEdit = useCan('projects.manage');
  const unpriced = usageRow(
    useUsage((s) => s.project),
    project.id,
  ).total.unpriced_requests;
  const month = spendText(project.month_spend_usd, unpriced);
  const budget = project.monthly_budget_usd === null ? 'no monthly budget' : `of ${formatUsd(project.monthly_budget_usd)}`;
  const own = Object.keys(project.prices).length;
  const long = [
    `${month} this month (UTC) ${budget}`,
    `${formatUsd(project.spend_usd)} in all`,
    own ? `${own} own price${own === 1 ? '' : 's'}` : 'catalogue prices',
    unpricedNote(unpriced, 'in the last 7 days'),
  ]
    .filter(Boolean)
    .join(' · ');
  return (
    <div className="fact-limits fact-spend">
      <dt>Spend</dt>
      <dd>
        <span className="limits-value num" title={long} data-testid="project-spend">
          {month} this month {budget} · {formatUsd(project.spend_usd)} in all
        </span>
        {canEdit ? (
          <button
            type="button"
            className="link-button limits-edit"
            onClick={onEdit}
            aria-label={`Edit budget and prices of ${project.name}`}
            disabled={!!offline}
            title={offline ?? undefined}
          >
            Edit
          </button>
        ) : null}
      </dd>
    </div>
  );
}

export function ProjectMoneyDialog({ project, onClose }: { project: ProjectView; onClose: () => void }) {
  const update = useProjects((s) => s.update);
  const [values, setValues] = useState<ProjectMoneyValues>(() => projectMoneyValuesOf(project));
  const action = useAction(update);
  const form = useFormErrors(values, (v: ProjectMoneyValues) => checkProjectMoney(project.id, v), action.error, projectMoneyFieldOf(values));
  const shown = form.errors;
  const setRow = (index: number, key: keyof PriceRowValues) => (e: { target: { value: string } }) =>
    setValues({ ...values, prices: values.prices.map((row, i) => (i === index ? { ...row, [key]: e.target.value } : row)) });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const input = form.validate(event.currentTarget as HTMLFormElement);
    if (!input) return;
    const saved = await action.run(input);
    if (saved) {
      notify('success', `Budget and prices of “${saved.name}” saved`);
      onClose();
    }
  };

  return (
    <Dialog
      title={`Budget and prices of “${project.name}”`}
      onClose={onClose}
      busy={action.pending}
      wide
      description={`Spent ${formatUsd(project.month_spend_usd)} this month (UTC), ${formatUsd(project.spend_usd)} in all. Changes apply from the next request.`}
    >
      <form className="form" onSubmit={submit} noValidate>
        <Field
          label="Monthly budget (USD)"
          optional
          error={shown.monthlyBudget}
          hint="All its tokens together, per calendar month in UTC; then 429 budget_exceeded. Empty for none."
          className="field-half"
        >
          <input
            className="input num"
            inputMode="decimal"
            value={values.monthlyBudget}
            onChange={(e) => setValues({ ...values, monthlyBudget: e.target.value })}
            autoComplete="off"
            placeholder="e.g. 50"
            data-autofocus
          />
        </Field>
        <fieldset className="form-section">
          <legend className="form-section-title">Own prices</legend>
          <p className="form-section-note">
            USD per million tokens. They win over the price catalogue; an exact model name wins, then the longest pattern. A model priced nowhere is “unpriced”:
            counted, never charged.
          </p>
          <div className="price-rows">
            {values.prices.map((row, i) => (
              <div className="price-row" key={i} data-testid="price-row">
                <Field label="Model or pattern" error={shown[`price.${i}.glob`]}>
                  <input className="input mono" value={row.glob} onChange={setRow(i, 'glob')} placeholder="gpt-4o*" autoComplete="off" spellCheck={false} />
                </Field>
                <Field label="Input" error={shown[`price.${i}.input`]}>
                  <input className="input num" inputMode="decimal" value={row.input} onChange={setRow(i, 'input')} placeholder="2.5" autoComplete="off" />
                </Field>
                <Field label="Output" error={shown[`price.${i}.output`]}>
                  <input className="input num" inputMode="decimal" value={row.output} onChange={setRow(i, 'output')} placeholder="10" autoComplete="off" />
                </Field>
                <Field label="Cached input" optional error={shown[`price.${i}.cached`]}>
                  <input className="input num" inputMode="decimal" value={row.cached} onChange={setRow(i, 'cached')} placeholder="input" autoComplete="off" />
                </Field>
                <button
                  type="button"
                  className="btn btn-small btn-ghost price-remove"
                  onClick={() => setValues({ ...values, prices: values.prices.filter((_, j) => j !== i) })}
                  aria-label={`Remove the price of ${row.glob || 'this row'}`}
                >
                  Remove
                </button>
              </div>
            ))}
          </div>
          <button type="button" className="btn btn-small" onClick={() => setValues({ ...values, prices: [...values.prices, emptyPriceRow] })}>
            Add a price
          </button>
        </fieldset>
        <FormError message={shown._form ?? shown.prices} />
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
              'Save budget and prices'
            )}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
