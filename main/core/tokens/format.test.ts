import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createTokenHasher, maskToken, mintToken, mintedAt, secretsEqual, tokenIdOf } from './format.ts';
import { modelAllowed } from './models.ts';

describe('token format', () => {
  it('carries a recognisable prefix, its id, and at least 128 bits of secret', () => {
    const now = Date.UTC(2026, 10, 21, 12, 0, 0);
    const minted = mintToken(now);
    expect(minted.token).toMatch(/^llmp_[0-9a-f]{32}[A-Za-z0-9_-]{43}$/);
    expect(tokenIdOf(minted.token)).toBe(minted.id);
    expect(mintedAt(minted.token)?.getTime()).toBe(now);
    const secretChars = minted.token.length - 'llmp_'.length - 32;
    expect(secretChars * 6).toBeGreaterThanOrEqual(128);
    expect(maskToken(minted.last4)).toBe(`llmp_…${minted.token.slice(-4)}`);
  });

  it('mints different secrets for the same instant', () => {
    const now = Date.now();
    expect(mintToken(now).token).not.toBe(mintToken(now).token);
  });

  it('rejects malformed tokens cheaply', () => {
    expect(tokenIdOf('sk-abc')).toBeNull();
    expect(tokenIdOf('llmp_' + 'z'.repeat(75))).toBeNull();
    expect(tokenIdOf(mintToken(Date.now()).token + 'x')).toBeNull();
  });

  it('hashes with a key: another key gives another hash', () => {
    const token = mintToken(Date.now()).token;
    const a = createTokenHasher(randomBytes(32));
    const b = createTokenHasher(randomBytes(32));
    expect(a(token)).toBe(a(token));
    expect(a(token)).not.toBe(b(token));
    expect(a(token)).not.toContain(token.slice(5));
  });

  it('compares secrets of different lengths without throwing', () => {
    expect(secretsEqual('abc', 'abc')).toBe(true);
    expect(secretsEqual('abc', 'abcd')).toBe(false);
  });
});

describe('model allow-list', () => {
  it('matches globs and nothing else', () => {
    expect(modelAllowed(null, 'anything')).toBe(true);
    expect(modelAllowed(['gpt-4o-mini'], 'gpt-4o-mini')).toBe(true);
    expect(modelAllowed(['gpt-4o-mini'], 'gpt-4o')).toBe(false);
    expect(modelAllowed(['gpt-4o*'], 'gpt-4o-2024-08-06')).toBe(true);
    expect(modelAllowed(['*-mini'], 'o3-mini')).toBe(true);
    expect(modelAllowed(['gpt.4'], 'gpt-4')).toBe(false);
    expect(modelAllowed(['gpt-4o-mini'], null)).toBe(false);
  });
});
