// Rate limits in words, as the Tokens and Projects screens and the created dialog show them.
import { describe, expect, it } from 'vitest';
import { projectView, tokenView } from '../testing/views.ts';
import { compactCount, projectDefaultHint, projectLimitsLine, tokenLimitsLine, tokenLimitsSentence } from './limits-text.ts';

describe('compact counts', () => {
  it('keeps small numbers and shortens large ones', () => {
    expect([0, 60, 950, 1000, 1500, 1234, 20_000, 999_499, 999_999, 1_500_000, 2_000_000_000].map(compactCount)).toEqual([
      '0',
      '60',
      '950',
      '1k',
      '1.5k',
      '1.2k',
      '20k',
      '999k',
      '1M',
      '1.5M',
      '2B',
    ]);
  });
});

describe('token limits line', () => {
  const project = projectView({ default_rpm_limit: 30, default_tpm_limit: 20_000 });

  it('shows the token’s own limits', () => {
    expect(tokenLimitsLine(tokenView({ rpm_limit: 60, tpm_limit: 20_000 }), project)).toEqual({
      short: '60/min · 20k tok/min',
      long: '60 requests a minute · 20,000 tokens a minute',
    });
  });

  it('names the project’s default where the token sets none', () => {
    expect(tokenLimitsLine(tokenView(), project)?.short).toBe('default 30/min · 20k tok/min');
    expect(tokenLimitsLine(tokenView({ rpm_limit: 60, max_concurrent: 4 }), project)).toEqual({
      short: '60/min · default 20k tok/min · 4 at once',
      long: '60 requests a minute · 20,000 tokens a minute (the project’s default) · 4 at once per instance',
    });
  });

  it('treats 0 as no limit, and says nothing when none applies', () => {
    expect(tokenLimitsLine(tokenView({ rpm_limit: 0, tpm_limit: 0 }), project)).toBeNull();
    expect(tokenLimitsLine(tokenView(), projectView())).toBeNull();
    expect(tokenLimitsLine(tokenView(), undefined)).toBeNull();
  });
});

describe('created token sentence', () => {
  it('lists every limit', () => {
    expect(tokenLimitsSentence(tokenView({ max_requests: 250, rpm_limit: 60, tpm_limit: 20_000, max_concurrent: 2 }))).toBe(
      'at most 250 requests · 60 requests a minute · 20,000 tokens a minute · 2 at once',
    );
    expect(tokenLimitsSentence(tokenView({ rpm_limit: 0 }))).toBe('no request limit · no requests-per-minute limit · project’s tokens-per-minute default');
  });
});

describe('project limits line', () => {
  it('shows defaults and the shared budget with its name', () => {
    const project = projectView({ default_rpm_limit: 60, default_tpm_limit: 20_000, shared_rpm_limit: 500, shared_tpm_limit: null });
    expect(projectLimitsLine(project)).toEqual({
      short: 'per token 60/min, 20k tok/min · shared 500/min (by upstream key)',
      long: 'Tokens that set none: 60 requests a minute and 20,000 tokens a minute each. Shared: 500 requests a minute for everyone holding the same upstream key.',
    });
    expect(projectLimitsLine(projectView({ shared_tpm_limit: 1_000_000, shared_limit_key: 'team-a' })).short).toBe('shared 1M tok/min (budget “team-a”)');
  });

  it('says none when no limit is set', () => {
    expect(projectLimitsLine(projectView()).short).toBe('none');
  });

  it('hints what an empty token field falls back to', () => {
    expect(projectDefaultHint(60, 'rpm')).toBe('Empty for the project’s default (60/min), 0 for none.');
    expect(projectDefaultHint(null, 'tpm')).toBe('Empty for the project’s default (none set), 0 for none.');
  });
});
