import { describe, expect, it } from 'vitest';
import { mintToken } from './tokens/format.ts';
import { REDACTED, redact, redactString } from './redact.ts';

describe('redact', () => {
  it('removes secret fields by name at any depth', () => {
    const out = redact({ api_key: 'abc', nested: { Authorization: 'Bearer x', token: 't', token_id: 'keep' } });
    expect(out).toEqual({ api_key: REDACTED, nested: { Authorization: REDACTED, token: REDACTED, token_id: 'keep' } });
  });

  it('removes values that look like tokens or provider keys wherever they appear', () => {
    const token = mintToken(Date.now()).token;
    const text = redactString(`used ${token} and sk-proj-abcdefghijkl and Bearer abcdefghijklmnop`);
    expect(text).not.toContain(token);
    expect(text).not.toContain('sk-proj-abcdefghijkl');
    expect(text).not.toContain('abcdefghijklmnop');
  });

  it('removes extra known secrets given by the caller', () => {
    expect(redactString('key is my-own-upstream-secret', ['my-own-upstream-secret'])).toBe(`key is ${REDACTED}`);
  });
});
