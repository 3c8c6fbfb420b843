// Human output: plain tables (no colours, so pipes and tests see the same text) and times shown both
// relative ("in 8 hours") and as ISO 8601.

import Table from 'cli-table3';

const plainStyle = { head: [], border: [] };

export function listTable(head: string[], rows: string[][]): string {
  const table = new Table({ head, style: plainStyle });
  table.push(...rows);
  return table.toString();
}

/** Field / value rows for one object. */
export function detailTable(rows: [string, string][]): string {
  const table = new Table({ style: plainStyle });
  table.push(...rows.map(([field, value]) => ({ [field]: value })));
  return table.toString();
}

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600_000],
  ['month', 30 * 24 * 3600_000],
  ['day', 24 * 3600_000],
  ['hour', 3600_000],
  ['minute', 60_000],
  ['second', 1000],
];

export function relativeTime(ms: number, now: number): string {
  const diff = ms - now;
  for (const [unit, size] of UNITS) {
    if (Math.abs(diff) >= size || unit === 'second') return relative.format(Math.round(diff / size), unit);
  }
  return relative.format(0, 'second');
}

/** `in 8 hours (2025-01-01T08:00:00.000Z)`; `none` for null; the text as given when it is not a time. */
export function formatTime(value: string | null | undefined, now: number, none = '-'): string {
  if (value === null || value === undefined || value === '') return none;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return value;
  return `${relativeTime(ms, now)} (${new Date(ms).toISOString()})`;
}

export function yesNo(value: boolean): string {
  return value ? 'yes' : 'no';
}

export function orDash(value: string | number | null | undefined): string {
  return value === null || value === undefined || value === '' ? '-' : String(value);
}
