// Editing a token in place, starting a mint from another token's policy, and forms that show every
// problem at once and drop each as soon as it is fixed.
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/errors.ts';
import { tokenView } from '../testing/views.ts';
import { serverErrors, visibleErrors } from './form-errors.ts';
import { checkTokenEdit, tokenEditValuesOf } from './token-edit-form.ts';
import { checkTokenForm, defaultTokenForm, policyOf } from './token-form.ts';

const PROJECT_ID = '0190a000-0000-7000-8000-000000000001';

describe('edit token', () => {
  const token = tokenView({
    name: 'ci bot',
    max_requests: 100,
    allowed_models: ['gpt-4o', 'gpt-4.1-*'],
    rpm_limit: 60,
    tpm_limit: null,
    max_concurrent: 2,
    max_budget_usd: 5,
  });

  it('starts from the token and sends every field, so clearing one removes that rule', () => {
    const values = tokenEditValuesOf(token);
    expect(values).toEqual({
      name: 'ci bot',
      maxRequests: '100',
      allowedModels: 'gpt-4o, gpt-4.1-*',
      rpmLimit: '60',
      tpmLimit: '',
      maxConcurrent: '2',
      maxBudgetUsd: '5',
    });
    expect(checkTokenEdit(token.id, { ...values, name: ' ', maxRequests: '', allowedModels: '' })).toEqual({
      ok: true,
      value: { id: token.id, name: null, max_requests: null, allowed_models: null, rpm_limit: 60, tpm_limit: null, max_concurrent: 2, max_budget_usd: 5 },
    });
    expect(checkTokenEdit(token.id, { ...values, maxBudgetUsd: '' })).toMatchObject({ ok: true, value: { max_budget_usd: null } });
    expect(checkTokenEdit(token.id, { ...values, maxRequests: '250', allowedModels: 'o3' })).toMatchObject({
      ok: true,
      value: { max_requests: 250, allowed_models: ['o3'] },
    });
  });

  it('names every wrong field at once', () => {
    const checked = checkTokenEdit(token.id, { ...tokenEditValuesOf(token), maxRequests: 'lots', rpmLimit: '1.5', allowedModels: 'gpt 4o; x' });
    expect(checked).toEqual({
      ok: false,
      errors: {
        maxRequests: 'Must be a whole number, or empty for no limit.',
        rpmLimit: 'Must be a whole number, or empty for the project’s default.',
        allowedModels: 'May hold letters, digits, . _ - : / @ and the wildcards * ?',
      },
    });
  });
});

describe('mint from another token’s policy', () => {
  it('copies lifetime (in the largest whole unit), quota, limits and models, but not the name', () => {
    const source = tokenView({
      project_id: PROJECT_ID,
      name: 'old',
      created_at: '2025-01-01T10:00:00.000Z',
      expires_at: '2025-01-08T10:00:00.000Z',
      max_requests: 500,
      rpm_limit: 0,
      tpm_limit: 20000,
      max_concurrent: null,
      max_budget_usd: 1.5,
      allowed_models: ['gpt-4o-mini'],
    });
    const values = policyOf(source);
    expect(values).toEqual({
      projectId: PROJECT_ID,
      name: '',
      lifetime: '7',
      lifetimeUnit: 'days',
      maxRequests: '500',
      rpmLimit: '0',
      tpmLimit: '20000',
      maxConcurrent: '',
      maxBudgetUsd: '1.5',
      allowedModels: 'gpt-4o-mini',
    });
    expect(checkTokenForm(values)).toMatchObject({
      ok: true,
      value: { duration_minutes: 10080, max_requests: 500, rpm_limit: 0, tpm_limit: 20000, max_budget_usd: 1.5, allowed_models: ['gpt-4o-mini'] },
    });
    expect(policyOf({ ...source, expires_at: '2025-01-01T18:00:00.000Z' })).toMatchObject({ lifetime: '8', lifetimeUnit: 'hours' });
    expect(policyOf({ ...source, expires_at: '2025-01-01T10:45:00.000Z' })).toMatchObject({ lifetime: '45', lifetimeUnit: 'minutes' });
  });
});

describe('form errors', () => {
  it('the mint form names every wrong field in one go', () => {
    const checked = checkTokenForm({ ...defaultTokenForm(''), lifetime: 'soon', maxRequests: 'ten', tpmLimit: '-', allowedModels: 'a b;c' });
    expect(checked.ok).toBe(false);
    expect(Object.keys(checked.ok ? {} : checked.errors).sort()).toEqual(['allowedModels', 'lifetime', 'maxRequests', 'projectId', 'tpmLimit']);
  });

  it('the server’s refusal of a field goes when that field changes; a whole-form message on any change', () => {
    const refused = { name: 'dup', maxRequests: '5' };
    const error = new ApiError('validation_failed', 'Invalid input', [{ path: 'name', message: 'is taken' }]);
    const server = { errors: serverErrors(error, (p) => p), values: refused };
    expect(visibleErrors({ local: {}, server, values: refused })).toEqual({ name: 'Is taken.' });
    expect(visibleErrors({ local: {}, server, values: { ...refused, maxRequests: '6' } })).toEqual({ name: 'Is taken.' });
    expect(visibleErrors({ local: {}, server, values: { ...refused, name: 'unique' } })).toEqual({});

    const whole = { errors: serverErrors(new ApiError('store_unavailable', 'The store is unavailable'), (p) => p), values: refused };
    expect(visibleErrors({ local: {}, server: whole, values: refused })).toEqual({ _form: 'The store is unavailable' });
    expect(visibleErrors({ local: {}, server: whole, values: { ...refused, maxRequests: '7' } })).toEqual({});
  });

  it('the form’s own findings win over the server’s for the same field', () => {
    const server = { errors: { name: 'Is taken.' }, values: { name: 'dup' } };
    expect(visibleErrors({ local: { name: 'Must not be empty.' }, server, values: { name: 'dup' } })).toEqual({ name: 'Must not be empty.' });
  });
});
