// Relative times ("3 min ago", "in 7 h") for lists, exact local times for hover titles.

/** Compact and unambiguous: "just now", "in 45 min", "3 h ago", "in 7 d", "2 wk ago". */
export function relativeTime(iso: string | number, now: number): string {
  const at = typeof iso === 'number' ? iso : Date.parse(iso);
  if (Number.isNaN(at)) return '—';
  const diff = at - now;
  const abs = Math.abs(diff);
  if (abs < 45_000) return diff > 0 ? 'in a moment' : 'just now';
  const text = amount(abs);
  return diff > 0 ? `in ${text}` : `${text} ago`;
}

function amount(ms: number): string {
  const minutes = Math.max(1, Math.round(ms / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.round(ms / 3_600_000);
  if (hours < 24) return `${hours} h`;
  const days = Math.round(ms / 86_400_000);
  if (days < 14) return `${days} d`;
  if (days < 60) return `${Math.round(days / 7)} wk`;
  if (days < 365) return `${Math.round(days / 30)} mo`;
  return `${Math.round(days / 365)} y`;
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

const short = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });

/** "Sun 22 Nov, 08:54": when a token will expire, said briefly. */
export function shortTime(at: number): string {
  return short.format(new Date(at));
}

const clock = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });

/** "14:03:10": when a short wait (a key's cool-down) ends, in the viewer's time zone. */
export function clockTime(iso: string | number): string {
  const at = typeof iso === 'number' ? iso : Date.parse(iso);
  return Number.isNaN(at) ? '' : clock.format(new Date(at));
}
