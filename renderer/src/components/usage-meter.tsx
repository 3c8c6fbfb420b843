// Quota use as a <meter> (its width is the element's own, so no inline style for the CSP to block).
export function UsageMeter({ used, max, label }: { used: number; max: number | null; label: string }) {
  if (max === null || max <= 0) {
    return (
      <div className="usage">
        <span className="usage-text">
          <strong className="num">{used.toLocaleString('en')}</strong> <span className="muted">· no limit</span>
        </span>
      </div>
    );
  }
  const shown = Math.min(used, max);
  return (
    <div className="usage">
      <span className="usage-text">
        <strong className="num">{used.toLocaleString('en')}</strong> <span className="muted">/ {max.toLocaleString('en')}</span>
      </span>
      <meter
        className="usage-meter"
        min={0}
        max={max}
        value={shown}
        low={max * 0.7}
        high={max * 0.9}
        optimum={0}
        aria-label={label}
        title={`${used.toLocaleString('en')} of ${max.toLocaleString('en')} requests used`}
      >
        {used} of {max}
      </meter>
    </div>
  );
}

/** How much of a token's life is left, as a thin bar under the expiry time. */
export function LifeMeter({ left, label }: { left: number; label: string }) {
  return <meter className="life-meter" min={0} max={1} value={left} low={0.15} high={0.5} optimum={1} aria-label={label} />;
}
