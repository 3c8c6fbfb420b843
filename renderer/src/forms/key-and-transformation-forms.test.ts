// What the Keys and Transformations dialogs send, and the messages they show, from the contract's own schemas.
import { describe, expect, it } from 'vitest';
import { checkAddKey, checkEditKey, checkRotateKey, emptyKey, keyValuesOf } from './key-form.ts';
import { checkTransformations, emptyTransformations, transformationFieldOf, transformationValuesOf } from './transformations-form.ts';
import { fieldErrorsFrom } from './validate.ts';

const PROJECT_ID = '0190a000-0000-7000-8000-000000000001';
const KEY_ID = '0190a000-0000-7000-8000-0000000000b1';

describe('add key', () => {
  it('sends trimmed values and the weight as a number', () => {
    expect(checkAddKey(PROJECT_ID, { label: ' team-b ', apiKey: ' sk-b ', weight: '3' })).toEqual({
      ok: true,
      value: { project_id: PROJECT_ID, label: 'team-b', api_key: 'sk-b', weight: 3 },
    });
    expect(checkAddKey(PROJECT_ID, { label: 'b', apiKey: 'sk-b', weight: '' })).toEqual({
      ok: true,
      value: { project_id: PROJECT_ID, label: 'b', api_key: 'sk-b' },
    });
  });

  it('names every problem in words', () => {
    expect(checkAddKey(PROJECT_ID, emptyKey)).toEqual({ ok: false, errors: { label: 'Must not be empty.', apiKey: 'Must not be empty.' } });
    expect(checkAddKey(PROJECT_ID, { label: 'b', apiKey: 'sk-b', weight: 'lots' })).toEqual({
      ok: false,
      errors: { weight: 'Must be a whole number from 1 to 1000.' },
    });
    expect(checkAddKey(PROJECT_ID, { label: 'b', apiKey: 'sk-b', weight: '1001' })).toEqual({ ok: false, errors: { weight: 'Must be at most 1000.' } });
    expect(checkAddKey(PROJECT_ID, { label: 'x'.repeat(51), apiKey: 'sk b', weight: '1' })).toEqual({
      ok: false,
      errors: { label: 'Must be at most 50 characters.', apiKey: 'Must be printable ASCII without spaces.' },
    });
  });
});

describe('edit and rotate key', () => {
  const key = { id: KEY_ID, project_id: PROJECT_ID, label: 'team-b', weight: 3 };

  it('sends only what changed', () => {
    expect(checkEditKey(key, keyValuesOf(key))).toEqual({ ok: true, value: { project_id: PROJECT_ID, id: KEY_ID } });
    expect(checkEditKey(key, { ...keyValuesOf(key), label: 'team-c', weight: '5' })).toEqual({
      ok: true,
      value: { project_id: PROJECT_ID, id: KEY_ID, label: 'team-c', weight: 5 },
    });
    expect(checkEditKey(key, { ...keyValuesOf(key), weight: '' })).toEqual({ ok: false, errors: { weight: 'Must be a whole number from 1 to 1000.' } });
    expect(checkEditKey(key, { ...keyValuesOf(key), weight: '0' })).toEqual({ ok: false, errors: { weight: 'Must be at least 1.' } });
  });

  it('rotates with the new key only', () => {
    expect(checkRotateKey(key, ' sk-new ')).toEqual({ ok: true, value: { project_id: PROJECT_ID, id: KEY_ID, api_key: 'sk-new' } });
    expect(checkRotateKey(key, '')).toEqual({ ok: false, errors: { apiKey: 'Must not be empty.' } });
  });
});

describe('transformations', () => {
  it('reads the text fields into the contract’s shape', () => {
    const checked = checkTransformations(PROJECT_ID, {
      defaultModel: ' gpt-4o-mini ',
      aliases: 'fast = gpt-4o-mini\n\n smart=gpt-4o \n',
      maxTokens: '2000',
      setHeaders: 'X-Team: research\nx-trace: a:b',
      removeHeaders: 'x-debug, x-b\nx-c',
      systemPrefix: 'Answer in English.',
    });
    expect(checked).toEqual({
      ok: true,
      value: {
        id: PROJECT_ID,
        transformations: {
          default_model: 'gpt-4o-mini',
          model_aliases: { fast: 'gpt-4o-mini', smart: 'gpt-4o' },
          max_tokens_ceiling: 2000,
          set_headers: { 'X-Team': 'research', 'x-trace': 'a:b' },
          remove_headers: ['x-debug', 'x-b', 'x-c'],
          system_prompt_prefix: 'Answer in English.',
        },
      },
    });
  });

  it('sends an empty object when every field is empty', () => {
    expect(checkTransformations(PROJECT_ID, emptyTransformations)).toEqual({ ok: true, value: { id: PROJECT_ID, transformations: {} } });
  });

  it('round-trips a view through the form', () => {
    const view = {
      default_model: 'm',
      model_aliases: { a: 'b' },
      max_tokens_ceiling: 5,
      set_headers: { 'x-a': '1' },
      remove_headers: ['x-b', 'x-c'],
      system_prompt_prefix: 'p',
    };
    expect(checkTransformations(PROJECT_ID, transformationValuesOf(view))).toEqual({ ok: true, value: { id: PROJECT_ID, transformations: view } });
  });

  it('says which line is wrong, and what the contract refuses, at the field', () => {
    expect(checkTransformations(PROJECT_ID, { ...emptyTransformations, aliases: 'fast = a\nnonsense' })).toEqual({
      ok: false,
      errors: { aliases: 'Line 2: write it as alias = model.' },
    });
    expect(checkTransformations(PROJECT_ID, { ...emptyTransformations, aliases: 'a = b\na = c' })).toEqual({
      ok: false,
      errors: { aliases: 'Line 2: a is given twice.' },
    });
    expect(checkTransformations(PROJECT_ID, { ...emptyTransformations, setHeaders: 'no colon here' })).toEqual({
      ok: false,
      errors: { setHeaders: 'Line 1: write it as Name: value.' },
    });
    expect(checkTransformations(PROJECT_ID, { ...emptyTransformations, maxTokens: 'many' })).toEqual({
      ok: false,
      errors: { maxTokens: 'Must be a whole number, or empty for none.' },
    });
    expect(checkTransformations(PROJECT_ID, { ...emptyTransformations, maxTokens: '0' })).toEqual({ ok: false, errors: { maxTokens: 'Must be at least 1.' } });
    const auth = checkTransformations(PROJECT_ID, { ...emptyTransformations, setHeaders: 'Authorization: Bearer x' });
    expect(auth).toMatchObject({ ok: false, errors: { setHeaders: expect.stringMatching(/^Authorization cannot be set or removed/) } });
    const removed = checkTransformations(PROJECT_ID, { ...emptyTransformations, removeHeaders: 'host' });
    expect(removed).toMatchObject({ ok: false, errors: { removeHeaders: expect.stringMatching(/^Host cannot be set or removed/) } });
    const value = checkTransformations(PROJECT_ID, { ...emptyTransformations, aliases: 'fast = gpt 4' });
    expect(value).toMatchObject({ ok: false, errors: { aliases: 'May hold letters, digits and . _ - : / @.' } });
  });

  it('puts the server’s issues next to the fields', () => {
    const issues = [
      { path: 'transformations.set_headers.cookie', message: 'cookie cannot be set or removed' },
      { path: 'transformations.system_prompt_prefix', message: 'must be at most 10000 characters' },
      { path: 'transformations', message: 'unknown field(s): temperature' },
    ];
    expect(fieldErrorsFrom(issues, transformationFieldOf)).toEqual({
      setHeaders: 'Cookie cannot be set or removed.',
      systemPrefix: 'Must be at most 10000 characters.',
      _form: 'Unknown field(s): temperature.',
    });
  });
});
