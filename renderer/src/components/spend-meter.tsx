// Spend against a budget, shown like requests against a quota (a <meter>, so no inline style for the CSP).
// Answers whose model had no price are said as "unpriced", never counted as $0.
import { formatUsd, spendText, unpricedNote } from '../lib/money.ts';

interface SpendMeterProps {
  spent: number;
  budget: number | null;
  /** Answers without a price in the window the caller knows of (e.g. the last 7 days). */
  unpriced: number;
  unpricedPeriod: string;
  label: string;
}

export function SpendMeter({ spent, budget, unpriced, unpricedPeriod, label }: SpendMeterProps) {
  const text = spendText(spent, unpriced);
  const note = unpricedNote(unpriced, unpricedPeriod);
  if (budget === null || budget <= 0) {
    return (
      <div className="usage spend" title={note}>
        <span className="usage-text">
          <strong className="num">{text}</strong> <span className="muted">spent · no budget</span>
        </span>
      </div>
    );
  }
  const shown = Math.min(spent, budget);
  const of = `${formatUsd(spent)} of ${formatUsd(budget)} budget spent`;
  return (
    <div className="usage spend" title={note ? `${of}. ${note}` : of}>
      <span className="usage-text">
        <strong className="num">{text}</strong> <span className="muted">/ {formatUsd(budget)}</span>
      </span>
      <meter className="usage-meter spend-meter" min={0} max={budget} value={shown} low={budget * 0.7} high={budget * 0.9} optimum={0} aria-label={label}>
        {of}
      </meter>
    </div>
  );
}
