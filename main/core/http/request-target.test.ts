import { describe, expect, it } from 'vitest';
import { refuseNonCanonicalTarget } from './request-target.ts';

describe('refuseNonCanonicalTarget', () => {
  it.each([
    '/manage/projects',
    '/v1/chat/completions?api-version=2024-10-21',
    '/v1/models/ft:gpt-4o-mini:org::abc',
    '/admin/',
    '/',
    '/v1/files/file%20name',
    '/v1/models/caf%C3%A9',
    '/v1/search?q=%2e%2e%2F',
  ])('accepts the canonical %s', (target) => {
    expect(refuseNonCanonicalTarget(target)).toBeNull();
  });

  it.each([
    ['http://127.0.0.1:8484/manage/projects', 'absolute-form'],
    ['*', 'asterisk-form'],
    ['/%6danage/projects', 'an encoded letter'],
    ['/%6Danage/projects', 'an encoded letter, upper-case hex'],
    ['/manage%2Fprojects', 'an encoded slash'],
    ['/manage%2fprojects', 'an encoded slash, lower-case hex'],
    ['/v1/models/meta%5Cllama', 'an encoded backslash'],
    ['/v1\\models', 'a backslash'],
    ['//manage/projects', 'a leading empty segment'],
    ['/manage//projects', 'an inner empty segment'],
    ['/./manage/projects', 'a dot segment'],
    ['/v1/models/../files', 'a dot-dot segment'],
    ['/v1/x/../../files/file-1/content', 'two dot-dot segments'],
    ['/v1/%2e%2e/files', 'an encoded dot-dot'],
    ['/v1/models/..', 'a trailing dot-dot'],
    ['/v1/%252e%252e/files', 'a double-encoded dot-dot'],
    ['/v1/files/%00', 'an encoded NUL'],
    ['/v1/files/%zz', 'a malformed escape'],
    ['/v1/files/%4', 'a cut-off escape'],
  ])('refuses %s (%s)', (target) => {
    expect(refuseNonCanonicalTarget(target)).toMatchObject({ code: 'invalid_request_target' });
  });
});
