// Form logic: what each form sends, and the messages it shows, from the contract's own schemas.
import { describe, expect, it } from 'vitest';
import { auditFilterFromParams, auditQueryOf, checkAuditFilter, emptyAuditFilter } from './audit-filter.ts';
import { checkNewProject, checkRename, emptyProject } from './project-form.ts';
import { checkTokenForm, defaultTokenForm, envSnippet, lifetimeMinutes, parseModels } from './token-form.ts';
import { fieldErrorsFrom, wholeNumberOrNull } from './validate.ts';

const PROJECT_ID = '0190a000-0000-7000-8000-000000000001';

describe('new project', () => {
  it('names every missing field in words', () => {
    const checked = checkNewProject(emptyProject);
    expect(checked).toEqual({ ok: false, errors: { name: 'Must not be empty.', apiKey: 'Must not be empty.' } });
  });

  it('refuses unsafe or malformed upstream URLs with the contract’s message', () => {
    const metadata = checkNewProject({ ...emptyProject, name: 'p', apiKey: 'sk-1', baseUrl: 'http://169.254.169.254' });
    expect(metadata).toEqual({ ok: false, errors: { baseUrl: 'Must not point at a link-local or cloud metadata address.' } });
    const junk = checkNewProject({ ...emptyProject, name: 'p', apiKey: 'sk-1', baseUrl: 'api.openai.com' });
    expect(junk).toEqual({ ok: false, errors: { baseUrl: 'Must be a URL such as https://api.openai.com.' } });
  });

  it('sends trimmed values and leaves an empty base URL to the server’s default', () => {
    expect(checkNewProject({ name: '  research ', apiKey: ' sk-abc ', baseUrl: '  ', provider: 'openai' })).toEqual({
      ok: true,
      value: { name: 'research', api_key: 'sk-abc', provider: 'openai' },
    });
    expect(checkNewProject({ name: 'r', apiKey: 'sk', baseUrl: 'http://127.0.0.1:9000', provider: 'openai' })).toMatchObject({
      ok: true,
      value: { base_url: 'http://127.0.0.1:9000' },
    });
  });

  it('asks for a base URL where the provider has no default', () => {
    expect(checkNewProject({ name: 'local', apiKey: 'ollama', baseUrl: '', provider: 'openai-compatible' })).toEqual({
      ok: false,
      errors: { baseUrl: 'Required for OpenAI-compatible, e.g. http://127.0.0.1:11434.' },
    });
    expect(checkNewProject({ name: 'az', apiKey: 'k', baseUrl: 'https://r.openai.azure.com/openai', provider: 'azure' })).toEqual({
      ok: true,
      value: { name: 'az', api_key: 'k', provider: 'azure', base_url: 'https://r.openai.azure.com/openai' },
    });
    expect(checkNewProject({ name: 'claude', apiKey: 'k', baseUrl: '', provider: 'anthropic' })).toMatchObject({ ok: true });
  });

  it('refuses keys with spaces', () => {
    expect(checkNewProject({ ...emptyProject, name: 'r', apiKey: 'sk abc' })).toEqual({
      ok: false,
      errors: { apiKey: 'Must be printable ASCII without spaces.' },
    });
  });
});

describe('rename', () => {
  it('checks the one field it changes', () => {
    expect(checkRename(PROJECT_ID, ' new name ')).toEqual({ ok: true, value: { id: PROJECT_ID, name: 'new name' } });
    expect(checkRename(PROJECT_ID, ' ')).toEqual({ ok: false, errors: { name: 'Must not be empty.' } });
    expect(checkRename(PROJECT_ID, 'x'.repeat(101))).toEqual({ ok: false, errors: { name: 'Must be at most 100 characters.' } });
  });
});

describe('mint token', () => {
  const valid = { ...defaultTokenForm(PROJECT_ID) };

  it('defaults to 8 hours, no quota, any model', () => {
    expect(checkTokenForm(valid)).toEqual({
      ok: true,
      value: { project_id: PROJECT_ID, duration_minutes: 480, max_requests: null, name: null, allowed_models: null },
    });
  });

  it('converts the lifetime unit to minutes and reads the model list', () => {
    const checked = checkTokenForm({
      ...valid,
      lifetime: '7',
      lifetimeUnit: 'days',
      maxRequests: '250',
      name: ' ci bot ',
      allowedModels: 'gpt-4o-mini, gpt-4.1-*\ngpt-4o-mini',
    });
    expect(checked).toEqual({
      ok: true,
      value: { project_id: PROJECT_ID, duration_minutes: 10080, max_requests: 250, name: 'ci bot', allowed_models: ['gpt-4o-mini', 'gpt-4.1-*'] },
    });
  });

  it('explains each wrong field', () => {
    expect(checkTokenForm({ ...valid, lifetime: '' })).toEqual({ ok: false, errors: { lifetime: 'Enter how long the token lives.' } });
    expect(checkTokenForm({ ...valid, lifetime: '1.5' })).toEqual({ ok: false, errors: { lifetime: 'Must be a whole number.' } });
    expect(checkTokenForm({ ...valid, lifetime: '0', lifetimeUnit: 'minutes' })).toEqual({ ok: false, errors: { lifetime: 'Must be at least 1.' } });
    expect(checkTokenForm({ ...valid, lifetime: '2', lifetimeUnit: 'days' }).ok).toBe(true);
    expect(checkTokenForm({ ...valid, lifetime: '400', lifetimeUnit: 'days' })).toEqual({
      ok: false,
      errors: { lifetime: 'Must be at most 525600 (one year).' },
    });
    expect(checkTokenForm({ ...valid, rpmLimit: '6.5' })).toEqual({
      ok: false,
      errors: { rpmLimit: 'Must be a whole number, or empty for the project’s default.' },
    });
    expect(checkTokenForm({ ...valid, maxRequests: 'ten' })).toEqual({ ok: false, errors: { maxRequests: 'Must be a whole number, or empty for no limit.' } });
    expect(checkTokenForm({ ...valid, projectId: '' })).toEqual({ ok: false, errors: { projectId: 'Choose a project.' } });
    expect(checkTokenForm({ ...valid, allowedModels: 'gpt-4o; rm -rf' })).toEqual({
      ok: false,
      errors: { allowedModels: 'May hold letters, digits, . _ - : / @ and the wildcards * ?' },
    });
  });

  it('sends a per-minute limit only when one is given (0 = none)', () => {
    expect(checkTokenForm({ ...valid, rpmLimit: '60' })).toMatchObject({ ok: true, value: { rpm_limit: 60 } });
    expect(checkTokenForm({ ...valid, rpmLimit: '0' })).toMatchObject({ ok: true, value: { rpm_limit: 0 } });
    const none = checkTokenForm(valid);
    expect(none.ok && 'rpm_limit' in none.value).toBe(false);
  });

  it('tells how long the token lives while typing', () => {
    expect(lifetimeMinutes({ lifetime: '8', lifetimeUnit: 'hours' })).toBe(480);
    expect(lifetimeMinutes({ lifetime: '0', lifetimeUnit: 'days' })).toBeNull();
    expect(lifetimeMinutes({ lifetime: 'x', lifetimeUnit: 'days' })).toBeNull();
  });

  it('builds the snippet tools paste', () => {
    expect(envSnippet('http://127.0.0.1:8484/', 'llmp_abc')).toBe('OPENAI_BASE_URL=http://127.0.0.1:8484/v1 OPENAI_API_KEY=llmp_abc');
  });

  it('parses model lists loosely', () => {
    expect(parseModels('  ')).toBeNull();
    expect(parseModels('a,b  c\nd,,a')).toEqual(['a', 'b', 'c', 'd']);
  });
});

describe('audit filter', () => {
  it('drops empty fields and turns local times into instants', () => {
    expect(auditQueryOf(emptyAuditFilter)).toEqual({});
    const query = auditQueryOf({ ...emptyAuditFilter, action: ' token.revoke ', outcome: 'denied', from: '2025-03-01T14:30', search: ' abc ' });
    expect(query).toEqual({ action: 'token.revoke', outcome: 'denied', from: new Date('2025-03-01T14:30').toISOString(), search: 'abc' });
  });

  it('refuses a range that ends before it starts, and ids that are not ids', () => {
    expect(checkAuditFilter({ ...emptyAuditFilter, from: '2025-03-02T00:00', to: '2025-03-01T00:00' })).toEqual({
      ok: false,
      errors: { to: 'Must be after “From”.' },
    });
    expect(checkAuditFilter({ ...emptyAuditFilter, tokenId: 'nope' })).toEqual({ ok: false, errors: { tokenId: 'Must be an id (UUID).' } });
    expect(checkAuditFilter({ ...emptyAuditFilter, projectId: PROJECT_ID })).toEqual({ ok: true, value: { project_id: PROJECT_ID } });
  });

  it('starts from the filter another screen linked to', () => {
    expect(auditFilterFromParams({ token_id: PROJECT_ID, outcome: 'denied', nonsense: 'x' })).toEqual({
      ...emptyAuditFilter,
      tokenId: PROJECT_ID,
      outcome: 'denied',
    });
    expect(auditFilterFromParams({ outcome: 'weird' }).outcome).toBe('');
    expect(auditFilterFromParams({ actor: 'admin:olga' }).actor).toBe('admin:olga');
    expect(auditQueryOf({ ...emptyAuditFilter, actor: ' admin:olga ' })).toEqual({ actor: 'admin:olga' });
  });
});

describe('server issues', () => {
  it('map to form fields, first message per field, the rest to the form', () => {
    const errors = fieldErrorsFrom(
      [
        { path: 'name', message: 'must not be empty' },
        { path: 'name', message: 'second' },
        { path: '(input)', message: 'unknown field(s): x' },
      ],
      (p) => (p === 'name' ? 'name' : '_form'),
    );
    expect(errors).toEqual({ name: 'Must not be empty.', _form: 'Unknown field(s): x.' });
  });

  it('reads whole numbers strictly', () => {
    expect(wholeNumberOrNull(' ')).toBeNull();
    expect(wholeNumberOrNull('42')).toBe(42);
    expect(wholeNumberOrNull('-1')).toBeNaN();
    expect(wholeNumberOrNull('1e3')).toBeNaN();
  });
});
