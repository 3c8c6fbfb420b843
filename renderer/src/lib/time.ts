// Relative times ("3 min ago", "in 7 h") for lists, exact local times for hover titles.

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600_000],
  ['month', 30 * 24 * 3600_000],
  ['week', 7 * 24 * 3600_000],
  ['day', 24 * 3600_000],
  ['hour', 3600_000],
  ['minute', 60_000],
  ['second', 1000],
];

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto', style: 'short' });

export function relativeTime(iso: string | number, now: number): string {
  const at = typeof iso === 'number' ? iso : Date.parse(iso);
  if (Number.isNaN(at)) return '—';
  const diff = at - now;
  const abs = Math.abs(diff);
  if (abs < 45_000) return diff < 0 || abs < 1000 ? 'just now' : 'in a few seconds';
  for (const [unit, ms] of UNITS) {
    if (abs >= ms || unit === 'second') return relative.format(Math.round(diff / ms), unit);
  }
  return '—';
}

const exact = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'medium' });

export function exactTime(iso: string | number): string {
  const at = typeof iso === 'number' ? iso : Date.parse(iso);
  if (Number.isNaN(at)) return '';
  const date = new Date(at);
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '−';
  const hh = String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0');
  const mm = String(Math.abs(offset) % 60).padStart(2, '0');
  return `${exact.format(date)} (UTC${sign}${hh}:${mm})`;
}

/** How much of a token's life is left, 0..1. */
export function lifeLeft(createdAt: string, expiresAt: string, now: number): number {
  const start = Date.parse(createdAt);
  const end = Date.parse(expiresAt);
  if (!(end > start)) return 0;
  return Math.min(1, Math.max(0, (end - now) / (end - start)));
}

/** Minutes, as a person would say the length of a token's life ("8 hours", "90 minutes"). */
export function describeMinutes(minutes: number): string {
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (minutes % (24 * 60) === 0) return plural(minutes / (24 * 60), 'day');
  if (minutes % 60 === 0) return plural(minutes / 60, 'hour');
  return plural(minutes, 'minute');
}
