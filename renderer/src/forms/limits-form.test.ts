// Rate-limit forms: the mint form's limits, "Edit limits" of a token, a project's "Limits" dialog.
import { describe, expect, it } from 'vitest';
import { projectView, tokenView } from '../testing/views.ts';
import {
  checkProjectLimits,
  checkTokenLimits,
  emptyProjectLimits,
  emptyTokenLimits,
  projectLimitFieldOf,
  projectLimitValuesOf,
  tokenLimitFieldOf,
  tokenLimitValuesOf,
} from './limits-form.ts';
import { checkTokenForm, defaultTokenForm } from './token-form.ts';
import { fieldErrorsFrom } from './validate.ts';

const ID = '0190a000-0000-7000-8000-000000000001';

describe('mint form limits', () => {
  const valid = defaultTokenForm(ID);

  it('sends tokens per minute and max concurrent only when given', () => {
    expect(checkTokenForm({ ...valid, rpmLimit: '60', tpmLimit: '20000', maxConcurrent: '4' })).toMatchObject({
      ok: true,
      value: { rpm_limit: 60, tpm_limit: 20000, max_concurrent: 4 },
    });
    expect(checkTokenForm({ ...valid, tpmLimit: '0' })).toMatchObject({ ok: true, value: { tpm_limit: 0 } });
    const none = checkTokenForm(valid);
    expect(none.ok && ['rpm_limit', 'tpm_limit', 'max_concurrent', 'max_budget_usd'].some((k) => k in none.value)).toBe(false);
    expect(checkTokenForm({ ...valid, maxBudgetUsd: '5' })).toMatchObject({ ok: true, value: { max_budget_usd: 5 } });
  });

  it('explains each wrong limit at once, and the contract’s ranges', () => {
    expect(checkTokenForm({ ...valid, rpmLimit: 'x', tpmLimit: '-5', maxConcurrent: '1.5' })).toEqual({
      ok: false,
      errors: {
        rpmLimit: 'Must be a whole number, or empty for the project’s default.',
        tpmLimit: 'Must be a whole number, or empty for the project’s default.',
        maxConcurrent: 'Must be a whole number, or empty for none.',
      },
    });
    expect(checkTokenForm({ ...valid, maxConcurrent: '100001' })).toEqual({ ok: false, errors: { maxConcurrent: 'Must be at most 100000.' } });
    expect(checkTokenForm({ ...valid, tpmLimit: '1000000000001' })).toEqual({ ok: false, errors: { tpmLimit: 'Must be at most 1000000000000.' } });
  });
});

describe('edit token limits', () => {
  it('starts from the token’s limits (no concurrency limit shows empty)', () => {
    expect(tokenLimitValuesOf(tokenView({ rpm_limit: 60, tpm_limit: 0, max_concurrent: null, max_budget_usd: 2.5 }))).toEqual({
      rpmLimit: '60',
      tpmLimit: '0',
      maxConcurrent: '',
      maxBudgetUsd: '2.5',
    });
    expect(tokenLimitValuesOf(tokenView())).toEqual(emptyTokenLimits);
  });

  it('sends all four, so an emptied field goes back to the project’s default (or no budget)', () => {
    expect(checkTokenLimits(ID, { rpmLimit: ' 30 ', tpmLimit: '', maxConcurrent: '', maxBudgetUsd: '' })).toEqual({
      ok: true,
      value: { id: ID, rpm_limit: 30, tpm_limit: null, max_concurrent: null, max_budget_usd: null },
    });
    expect(checkTokenLimits(ID, { rpmLimit: '0', tpmLimit: '50000', maxConcurrent: '2', maxBudgetUsd: '$0.25' })).toEqual({
      ok: true,
      value: { id: ID, rpm_limit: 0, tpm_limit: 50000, max_concurrent: 2, max_budget_usd: 0.25 },
    });
  });

  it('refuses a budget that is not an amount above 0', () => {
    expect(checkTokenLimits(ID, { ...emptyTokenLimits, maxBudgetUsd: 'ten' })).toEqual({
      ok: false,
      errors: { maxBudgetUsd: 'Must be an amount in USD such as 5 or 0.25, or empty for no budget.' },
    });
    expect(checkTokenLimits(ID, { ...emptyTokenLimits, maxBudgetUsd: '0' })).toEqual({
      ok: false,
      errors: { maxBudgetUsd: 'Must be more than 0 (null removes the budget).' },
    });
  });

  it('refuses what the server would', () => {
    expect(checkTokenLimits(ID, { ...emptyTokenLimits, rpmLimit: '1000000001' })).toEqual({ ok: false, errors: { rpmLimit: 'Must be at most 1000000000.' } });
    expect(checkTokenLimits(ID, { ...emptyTokenLimits, maxConcurrent: 'four' })).toEqual({
      ok: false,
      errors: { maxConcurrent: 'Must be a whole number, or empty for none.' },
    });
    expect(checkTokenLimits('nope', emptyTokenLimits)).toEqual({ ok: false, errors: { _form: 'Must be an id (UUID).' } });
  });

  it('puts the server’s issues next to their fields', () => {
    expect(
      fieldErrorsFrom(
        [
          { path: 'tpm_limit', message: 'must not be negative' },
          { path: 'id', message: 'unknown token' },
        ],
        tokenLimitFieldOf,
      ),
    ).toEqual({ tpmLimit: 'Must not be negative.', _form: 'Unknown token.' });
  });
});

describe('project limits', () => {
  it('starts from the project’s limits', () => {
    const project = projectView({ default_rpm_limit: 60, default_tpm_limit: null, shared_rpm_limit: 500, shared_tpm_limit: 0, shared_limit_key: 'team-a' });
    expect(projectLimitValuesOf(project)).toEqual({ defaultRpm: '60', defaultTpm: '', sharedRpm: '500', sharedTpm: '', sharedKey: 'team-a' });
    expect(projectLimitValuesOf(projectView())).toEqual(emptyProjectLimits);
  });

  it('sends all five; empty or 0 is none, an empty name is the key’s fingerprint', () => {
    expect(checkProjectLimits(ID, { defaultRpm: '60', defaultTpm: '0', sharedRpm: '', sharedTpm: '200000', sharedKey: '  team-a:prod ' })).toEqual({
      ok: true,
      value: { id: ID, default_rpm_limit: 60, default_tpm_limit: null, shared_rpm_limit: null, shared_tpm_limit: 200000, shared_limit_key: 'team-a:prod' },
    });
    expect(checkProjectLimits(ID, emptyProjectLimits)).toEqual({
      ok: true,
      value: { id: ID, default_rpm_limit: null, default_tpm_limit: null, shared_rpm_limit: null, shared_tpm_limit: null, shared_limit_key: null },
    });
  });

  it('explains wrong numbers and budget names', () => {
    expect(checkProjectLimits(ID, { ...emptyProjectLimits, defaultRpm: '6o', sharedTpm: '-1' })).toEqual({
      ok: false,
      errors: { defaultRpm: 'Must be a whole number, or empty for none.', sharedTpm: 'Must be a whole number, or empty for none.' },
    });
    expect(checkProjectLimits(ID, { ...emptyProjectLimits, sharedKey: 'team a' })).toEqual({
      ok: false,
      errors: { sharedKey: 'Use only letters, digits and . _ - : (no spaces).' },
    });
    expect(checkProjectLimits(ID, { ...emptyProjectLimits, sharedKey: 'k'.repeat(101) })).toEqual({
      ok: false,
      errors: { sharedKey: 'Must be at most 100 characters.' },
    });
    expect(checkProjectLimits(ID, { ...emptyProjectLimits, sharedRpm: '1000000001' })).toEqual({
      ok: false,
      errors: { sharedRpm: 'Must be at most 1000000000.' },
    });
  });

  it('maps the server’s issue paths to the dialog’s fields', () => {
    expect(['default_rpm_limit', 'default_tpm_limit', 'shared_rpm_limit', 'shared_tpm_limit', 'shared_limit_key', 'name'].map(projectLimitFieldOf)).toEqual([
      'defaultRpm',
      'defaultTpm',
      'sharedRpm',
      'sharedTpm',
      'sharedKey',
      '_form',
    ]);
  });
});
