// Rate limits in words: compact for table rows ("60/min · 20k tok/min"), spelled out for titles and facts.
import type { ProjectView, TokenView } from '../../../main/core/api/views.ts';

/** 950 → "950", 20 000 → "20k", 1 500 000 → "1.5M": for quiet lines; titles carry the exact figure. */
export function compactCount(n: number): string {
  const scaled = (value: number, unit: string) => `${Number(value.toFixed(value < 10 ? 1 : 0))}${unit}`;
  if (n < 1000) return n.toLocaleString('en');
  if (n < 999_500) return scaled(n / 1000, 'k');
  if (n < 999_500_000) return scaled(n / 1_000_000, 'M');
  return scaled(n / 1_000_000_000, 'B');
}

const exact = (n: number) => n.toLocaleString('en');
const rpmShort = (n: number) => `${compactCount(n)}/min`;
const tpmShort = (n: number) => `${compactCount(n)} tok/min`;
const rpmLong = (n: number) => `${exact(n)} request${n === 1 ? '' : 's'} a minute`;
const tpmLong = (n: number) => `${exact(n)} token${n === 1 ? '' : 's'} a minute`;

export interface LimitsLine {
  /** For the row: "60/min · default 20k tok/min · 4 at once" (default = the project's). */
  short: string;
  /** For its title and screen readers, exact figures. */
  long: string;
}

type TokenLimitsOf = Pick<TokenView, 'rpm_limit' | 'tpm_limit' | 'max_concurrent'>;
type ProjectDefaults = Pick<ProjectView, 'default_rpm_limit' | 'default_tpm_limit'>;

/**
 * The limits that apply to a token: its own, or (when it sets none) its project's defaults. 0 on the
 * token means none even when the project has a default. Null when no limit applies.
 */
export function tokenLimitsLine(token: TokenLimitsOf, project: ProjectDefaults | undefined): LimitsLine | null {
  const own = { short: [] as string[], long: [] as string[] };
  const inherited = { short: [] as string[], long: [] as string[] };
  const add = (value: number | null, fallback: number | null | undefined, short: (n: number) => string, long: (n: number) => string) => {
    if (value === null) {
      if (fallback) {
        inherited.short.push(short(fallback));
        inherited.long.push(long(fallback));
      }
    } else if (value > 0) {
      own.short.push(short(value));
      own.long.push(long(value));
    }
  };
  add(token.rpm_limit, project?.default_rpm_limit, rpmShort, rpmLong);
  add(token.tpm_limit, project?.default_tpm_limit, tpmShort, tpmLong);
  const short = [...own.short];
  const long = [...own.long];
  if (inherited.short.length) {
    // Numbers first: in a narrow cell the figures survive the ellipsis, the title says the rest.
    short.push(`default ${inherited.short.join(' · ')}`);
    long.push(`${inherited.long.join(' and ')} (the project’s default)`);
  }
  if (token.max_concurrent) {
    short.push(`${exact(token.max_concurrent)} at once`);
    long.push(`${exact(token.max_concurrent)} at once per instance`);
  }
  return short.length ? { short: short.join(' · '), long: long.join(' · ') } : null;
}

/** The created dialog's "Limits" line: every limit the new token has, in words. */
export function tokenLimitsSentence(token: TokenLimitsOf & Pick<TokenView, 'max_requests'>): string {
  const perMinute = (value: number | null, long: (n: number) => string, what: string) =>
    value === null ? `project’s ${what} default` : value === 0 ? `no ${what} limit` : long(value);
  return [
    token.max_requests ? `at most ${exact(token.max_requests)} requests` : 'no request limit',
    perMinute(token.rpm_limit, rpmLong, 'requests-per-minute'),
    perMinute(token.tpm_limit, tpmLong, 'tokens-per-minute'),
    ...(token.max_concurrent ? [`${exact(token.max_concurrent)} at once`] : []),
  ].join(' · ');
}

type ProjectLimitsOf = Pick<ProjectView, 'default_rpm_limit' | 'default_tpm_limit' | 'shared_rpm_limit' | 'shared_tpm_limit' | 'shared_limit_key'>;

/** A project's limits for its row: "per token 60/min, 20k tok/min · shared 500/min (by upstream key)", or "none". */
export function projectLimitsLine(project: ProjectLimitsOf): LimitsLine {
  const pair = (rpm: number | null, tpm: number | null, fmtRpm: (n: number) => string, fmtTpm: (n: number) => string) =>
    [rpm ? fmtRpm(rpm) : null, tpm ? fmtTpm(tpm) : null].filter((x): x is string => x !== null);
  const short: string[] = [];
  const long: string[] = [];
  const defaults = pair(project.default_rpm_limit, project.default_tpm_limit, rpmShort, tpmShort);
  if (defaults.length) {
    short.push(`per token ${defaults.join(', ')}`);
    long.push(`Tokens that set none: ${pair(project.default_rpm_limit, project.default_tpm_limit, rpmLong, tpmLong).join(' and ')} each`);
  }
  const shared = pair(project.shared_rpm_limit, project.shared_tpm_limit, rpmShort, tpmShort);
  if (shared.length) {
    const key = project.shared_limit_key;
    short.push(`shared ${shared.join(', ')} (${key ? `budget “${key}”` : 'by upstream key'})`);
    long.push(
      `Shared: ${pair(project.shared_rpm_limit, project.shared_tpm_limit, rpmLong, tpmLong).join(' and ')} for everyone ${key ? `using the budget name “${key}”` : 'holding the same upstream key'}`,
    );
  }
  return short.length ? { short: short.join(' · '), long: long.join('. ') + '.' } : { short: 'none', long: 'No rate limits: tokens may set their own.' };
}

/** Hint for an empty per-minute field of a token: what it falls back to. */
export function projectDefaultHint(value: number | null | undefined, unit: 'rpm' | 'tpm'): string {
  const fallback = value ? (unit === 'rpm' ? rpmShort(value) : tpmShort(value)) : 'none set';
  return `Empty for the project’s default (${fallback}), 0 for none.`;
}
