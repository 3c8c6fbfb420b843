// Percentiles of a list of durations (ms), for the figures that replaced timed assertions in tests.
export interface Percentiles {
  p50: number;
  p99: number;
  max: number;
}

export function percentiles(durations: number[]): Percentiles {
  const sorted = [...durations].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? Number.NaN };
}
