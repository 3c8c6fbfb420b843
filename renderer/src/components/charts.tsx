// Small charts drawn as SVG: a time series (stacked areas or lines) for the live dashboard, and a row of
// bars for seven days of usage. Colours come from CSS classes (light and dark schemes follow), shapes
// from SVG attributes: nothing for the strict CSP to block, and no chart library to ship.

export type ChartTone = 'accent' | 'red' | 'amber' | 'green' | 'violet';

export interface ChartSeries {
  label: string;
  values: (number | null)[];
  tone: ChartTone;
}

const W = 600;

/** The round number (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10ⁿ) at or just above `max`: the chart's top. */
export function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (step * power >= max * 0.999) return step * power;
  return 10 * power;
}

/** SVG path of a line through the points; a null starts a new segment. */
function linePath(points: (readonly [number, number] | null)[]): string {
  let d = '';
  let pen = false;
  for (const point of points) {
    if (!point) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${point[0].toFixed(1)},${point[1].toFixed(1)}`;
    pen = true;
  }
  return d;
}

export function TimeChart(props: {
  series: ChartSeries[];
  /** Areas stacked on each other (counts), or lines (latencies). */
  mode: 'stacked' | 'lines';
  label: string;
  format: (value: number) => string;
  height?: number;
  /** Labels under the left and right ends of the x axis. */
  from: string;
  to: string;
}) {
  const H = props.height ?? 150;
  const n = Math.max(...props.series.map((s) => s.values.length), 2);
  const x = (i: number) => (i / (n - 1)) * W;
  const totals = Array.from({ length: n }, (_, i) => props.series.reduce((sum, s) => sum + (props.mode === 'stacked' ? (s.values[i] ?? 0) : 0), 0));
  const peak = props.mode === 'stacked' ? Math.max(0, ...totals) : Math.max(0, ...props.series.flatMap((s) => s.values.filter((v): v is number => v !== null)));
  const top = niceMax(peak);
  // A small margin at the top so a line at the maximum is not cut in half.
  const y = (value: number) => H - (value / top) * (H - 4);

  const shapes: { d: string; tone: ChartTone; kind: 'area' | 'line'; key: string }[] = [];
  if (props.mode === 'stacked') {
    const base = Array<number>(n).fill(0);
    for (const s of props.series) {
      const lower = base.map((b, i) => [x(i), y(b)] as const);
      const upper = base.map((b, i) => [x(i), y(b + (s.values[i] ?? 0))] as const);
      const area = `${linePath(upper)}L${lower
        .slice()
        .reverse()
        .map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`)
        .join('L')}Z`;
      // Only where the series has something: a zero band would draw its line over the one below.
      const drawn = upper.map((point, i) => ((s.values[i] ?? 0) > 0 || (s.values[i - 1] ?? 0) > 0 || (s.values[i + 1] ?? 0) > 0 ? point : null));
      if (drawn.some(Boolean)) {
        shapes.push({ d: area, tone: s.tone, kind: 'area', key: `${s.label}-area` });
        shapes.push({ d: linePath(drawn), tone: s.tone, kind: 'line', key: `${s.label}-line` });
      }
      for (let i = 0; i < n; i++) base[i]! += s.values[i] ?? 0;
    }
  } else {
    for (const s of props.series) {
      shapes.push({ d: linePath(s.values.map((v, i) => (v === null ? null : ([x(i), y(v)] as const)))), tone: s.tone, kind: 'line', key: s.label });
    }
  }
  const latest = props.series.map((s) => `${s.label} ${formatLatest(s.values, props.format)}`).join(', ');

  return (
    <figure className="chart">
      <div className="chart-plot">
        <svg viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" role="img" aria-label={`${props.label}: ${latest}`} className="chart-svg" height={H}>
          {[0.25, 0.5, 0.75, 1].map((f) => (
            <line key={f} x1={0} x2={W} y1={y(top * f)} y2={y(top * f)} className="chart-grid" vectorEffect="non-scaling-stroke" />
          ))}
          <line x1={0} x2={W} y1={H - 0.5} y2={H - 0.5} className="chart-axis" vectorEffect="non-scaling-stroke" />
          {shapes.map((shape) => (
            <path key={shape.key} d={shape.d} className={`chart-${shape.kind} tone-${shape.tone}`} vectorEffect="non-scaling-stroke" />
          ))}
        </svg>
        <span className="chart-y chart-y-top">{props.format(top)}</span>
        <span className="chart-y chart-y-mid">{props.format(top / 2)}</span>
      </div>
      <figcaption className="chart-foot">
        <span>{props.from}</span>
        <ul className="chart-legend">
          {props.series.map((s) => (
            <li key={s.label}>
              <span className={`swatch tone-${s.tone}`} aria-hidden="true" />
              {s.label}
            </li>
          ))}
        </ul>
        <span>{props.to}</span>
      </figcaption>
    </figure>
  );
}

function formatLatest(values: (number | null)[], format: (value: number) => string): string {
  for (let i = values.length - 1; i >= 0; i--) if (values[i] !== null && values[i] !== undefined) return format(values[i]!);
  return 'none';
}

/** Seven (or so) bars, one per day; the last is today. */
export function DayBars({ values, days, label, unit }: { values: number[]; days: string[]; label: string; unit: string }) {
  const top = Math.max(1, ...values);
  const H = 22;
  const step = 7;
  const total = values.reduce((a, b) => a + b, 0);
  return (
    <svg
      viewBox={`0 0 ${values.length * step} ${H}`}
      width={values.length * step}
      height={H}
      className="day-bars"
      role="img"
      aria-label={`${label}: ${total.toLocaleString('en')} ${unit} in ${values.length} days`}
    >
      <line x1={0} x2={values.length * step} y1={H - 0.5} y2={H - 0.5} className="day-bars-base" />
      {values.map((v, i) => {
        // Every day gets a full-height hit area, so its tooltip works on empty days too.
        const h = v > 0 ? Math.max(2, (v / top) * (H - 1)) : 0;
        return (
          <g key={days[i] ?? i}>
            <title>{`${formatDay(days[i])}: ${v.toLocaleString('en')} ${unit}`}</title>
            <rect x={i * step} y={0} width={step} height={H} className="day-bar-hit" />
            {h > 0 ? (
              <rect
                x={i * step + 1}
                y={H - 1 - h}
                width={step - 2}
                height={h}
                rx={1}
                className={i === values.length - 1 ? 'day-bar day-bar-today' : 'day-bar'}
              />
            ) : null}
          </g>
        );
      })}
    </svg>
  );
}

function formatDay(day: string | undefined): string {
  if (!day) return '';
  const date = new Date(`${day}T12:00:00Z`);
  return date.toLocaleDateString('en-GB', { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });
}
