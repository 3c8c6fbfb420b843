// Words the screens use for providers and keys.
import { describe, expect, it } from 'vitest';
import { providers } from '../../../main/core/proxy/providers.ts';
import { keyView } from '../testing/views.ts';
import { actionLabel } from './audit-labels.ts';
import { healthText, keepReason, trafficShare } from './key-text.ts';
import { providerOptions, providerTexts } from './providers.ts';
import { clockTime } from './time.ts';
import { transformationsLine } from './transformations-text.ts';

describe('providers', () => {
  it('agree with the request path’s definitions', () => {
    expect(providerOptions.map((p) => p.id).sort()).toEqual(Object.keys(providers).sort());
    for (const [id, text] of Object.entries(providerTexts)) {
      const defined = providers[id as keyof typeof providers];
      expect(text.label).toBe(defined.label);
      expect(text.defaultBaseUrl).toBe(defined.defaultBaseUrl);
      if (defined.defaultBaseUrl) expect(text.placeholder).toBe(defined.defaultBaseUrl);
    }
  });
});

describe('keys', () => {
  const a = keyView({ id: 'a', weight: 3 });
  const b = keyView({ id: 'b', weight: 1 });
  const off = keyView({ id: 'c', weight: 5, is_enabled: false, health: 'disabled' });

  it('words the health, with the end of a cool-down as a clock time', () => {
    expect(healthText(a)).toBe('Healthy');
    expect(healthText(off)).toBeNull();
    const until = '2025-01-01T13:03:10.000Z';
    expect(healthText({ health: 'cooling_down', cooling_down_until: until })).toBe(`Cooling down until ${clockTime(until)}`);
    expect(clockTime(until)).toMatch(/^\d\d:03:10$/);
  });

  it('shares traffic between enabled keys by weight', () => {
    expect(trafficShare(a, [a, b, off])).toBe(0.75);
    expect(trafficShare(off, [a, b, off])).toBe(0);
  });

  it('keeps one enabled key', () => {
    expect(keepReason(a, [a], 'remove')).toMatch(/last key/);
    expect(keepReason(a, [a, off], 'disable')).toMatch(/only enabled key cannot be disabled/);
    expect(keepReason(a, [a, off], 'remove')).toMatch(/only enabled key cannot be removed/);
    expect(keepReason(off, [a, off], 'remove')).toBeNull();
    expect(keepReason(a, [a, b], 'disable')).toBeNull();
  });

  it('names the audit actions of keys', () => {
    expect(actionLabel('upstream_key.rotate')).toBe('Upstream key rotated');
    expect(actionLabel('keys.add')).toBe('keys.add failed');
  });

  it('summarises transformations in one line', () => {
    expect(transformationsLine({})).toBe('none');
    expect(transformationsLine({ default_model: 'm', model_aliases: { a: 'b', c: 'd' }, max_tokens_ceiling: 10, remove_headers: ['x'] })).toBe(
      'default m · 2 aliases · max 10 tokens · 1 header removed',
    );
  });
});
