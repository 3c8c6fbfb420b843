import { describe, expect, it } from 'vitest';
import { locationOf } from './connection.ts';

describe('locationOf', () => {
  it('names the server without credentials', () => {
    expect(locationOf('redis://default:s3cret@cache.internal:6380/2')).toBe('cache.internal:6380/2');
    expect(locationOf('rediss://:s3cret@cache.internal')).toBe('rediss://cache.internal:6379');
    expect(locationOf('redis://127.0.0.1:6379')).toBe('127.0.0.1:6379');
    expect(locationOf('not a url')).toBe('(invalid URL)');
  });
});
