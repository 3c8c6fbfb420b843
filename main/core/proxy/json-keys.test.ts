import { describe, expect, it } from 'vitest';
import { repeatedTopLevelKey } from './json-keys.ts';

describe('repeatedTopLevelKey', () => {
  it('finds a repeated top-level key, also when it is spelled with escapes', () => {
    expect(repeatedTopLevelKey('{"model":"gpt-4o-mini","model":"gpt-4o"}')).toBe('model');
    expect(repeatedTopLevelKey('{"model":"gpt-4o-mini", "mod\\u0065l":"o3"}')).toBe('model');
    expect(repeatedTopLevelKey('{ "a" : 1 ,\n "b": [1, {"a": 2}], "a": 3 }')).toBe('a');
  });

  it('ignores keys repeated inside nested values and key-like text inside strings', () => {
    expect(repeatedTopLevelKey('{"messages":[{"role":"user","content":"x"},{"role":"user","content":"y"}],"model":"m"}')).toBeNull();
    expect(repeatedTopLevelKey('{"a":"\\"model\\":","model":"m","b":{"model":"n","model":"o"}}')).toBeNull();
    expect(repeatedTopLevelKey('{"a":"ends with a backslash \\\\","b":"{\\"a\\":1}"}')).toBeNull();
    expect(repeatedTopLevelKey('{}')).toBeNull();
  });

  it('walks 100,000 levels of nesting without overflowing the stack', () => {
    const deep = '{"x":' + '['.repeat(100_000) + ']'.repeat(100_000) + ',"x":1}';
    expect(repeatedTopLevelKey(deep)).toBe('x');
  });
});
