import { describe, expect, it } from 'vitest';
import { isUuid, newId, newRequestId, timeOfId, validRequestId } from './ids.ts';

describe('newId', () => {
  it('makes distinct UUIDv7s across many pool refills, sorted by time, with the time readable', () => {
    const ids = Array.from({ length: 2_000 }, () => newId());
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) {
      expect(isUuid(id)).toBe(true);
      expect(id[14]).toBe('7');
    }
    expect([...ids].sort()).toEqual(ids);
    const at = Date.UTC(2026, 10, 22, 3, 0, 0);
    expect(timeOfId(newId(at)).getTime()).toBe(at);
  });

  it('random parts differ between ids of the same millisecond', () => {
    const at = Date.now();
    const tails = new Set(Array.from({ length: 300 }, () => newId(at).slice(-12)));
    expect(tails.size).toBe(300);
  });
});

describe('newRequestId', () => {
  it('makes distinct UUIDv7s (variant kept) with the time readable, across the random pool refills', () => {
    const at = Date.UTC(2026, 10, 22, 3, 0, 0);
    const ids = Array.from({ length: 2_000 }, () => newRequestId(at));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) {
      expect(isUuid(id)).toBe(true);
      expect(id[14]).toBe('7');
      expect('89ab').toContain(id[19]);
      expect(timeOfId(id).getTime()).toBe(at);
    }
  });
});

describe('validRequestId', () => {
  it('echoes safe ids only', () => {
    expect(validRequestId('req_123.abc:x-y')).toBe('req_123.abc:x-y');
    expect(validRequestId('a b')).toBeNull();
    expect(validRequestId(['x'])).toBeNull();
    expect(validRequestId('x'.repeat(129))).toBeNull();
  });
});
