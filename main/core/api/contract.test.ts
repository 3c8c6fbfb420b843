// The contract's copies of request-path facts (provider ids, credential headers) agree with the
// request path, and key views merge the store's row with this instance's health.
import { describe, expect, it } from 'vitest';
import { credentialHeaders, providerIds as definedProviders, providers } from '../proxy/providers.ts';
import type { UpstreamKeyRow } from '../store/types.ts';
import { providerIds } from './contract.ts';
import { presentUpstreamKey } from './present.ts';
import { headerNameProblem, protectedHeaders } from './transformations-schema.ts';
import { presentTransformations, transformationsFromInput } from './transformations.ts';

describe('copies kept in the contract', () => {
  it('lists every provider defined in main/core/proxy/providers.ts', () => {
    expect([...providerIds].sort()).toEqual([...definedProviders].sort());
    for (const id of providerIds) expect(providers[id].id).toBe(id);
  });

  it('refuses every credential header as a transformation', () => {
    for (const name of credentialHeaders) {
      expect(protectedHeaders).toContain(name);
      expect(headerNameProblem(name.toUpperCase())).toMatch(/cannot be set or removed/);
    }
    expect(headerNameProblem(' X-Team ')).toBeNull();
  });
});

describe('transformations mapping', () => {
  it('round-trips and drops empty parts', () => {
    const wire = {
      default_model: 'm',
      model_aliases: { a: 'b' },
      max_tokens_ceiling: 5,
      set_headers: { 'x-a': '1' },
      remove_headers: ['x-b'],
      system_prompt_prefix: 'p',
    };
    expect(presentTransformations(transformationsFromInput(wire))).toEqual(wire);
    expect(transformationsFromInput({ model_aliases: {}, set_headers: {}, remove_headers: [] })).toEqual({});
    expect(transformationsFromInput(null)).toEqual({});
  });
});

describe('presentUpstreamKey', () => {
  const row: UpstreamKeyRow = {
    id: 'k1',
    projectId: 'p1',
    label: 'default',
    keySealed: 'sealed-blob',
    keyLast4: 'wxyz',
    weight: 2,
    isEnabled: true,
    createdAt: Date.UTC(2025, 0, 1),
    updatedAt: Date.UTC(2025, 0, 1),
    lastUsedAt: null,
    requestCount: 10,
    failureCount: 2,
    promptTokens: 100,
    completionTokens: 50,
    lastErrorAt: Date.UTC(2025, 0, 1, 1),
    lastError: 'status_500',
  };
  const healthy = { state: 'healthy' as const, coolingDownUntil: null, consecutiveFailures: 0, lastError: null, lastErrorAt: null };

  it('masks the key and shows the stored last error when this instance saw none', () => {
    const view = presentUpstreamKey(row, healthy);
    expect(view).toMatchObject({
      key: 'sk-…wxyz',
      health: 'healthy',
      cooling_down_until: null,
      last_error: 'status_500',
      last_error_at: '2025-01-01T01:00:00.000Z',
    });
    expect(JSON.stringify(view)).not.toContain('sealed-blob');
  });

  it('shows a cool-down and the newer error seen by this instance', () => {
    const until = Date.UTC(2025, 0, 1, 2, 0, 30);
    const view = presentUpstreamKey(row, {
      state: 'cooling_down',
      coolingDownUntil: until,
      consecutiveFailures: 1,
      lastError: 'status_429',
      lastErrorAt: Date.UTC(2025, 0, 1, 2),
    });
    expect(view).toMatchObject({
      health: 'cooling_down',
      cooling_down_until: '2025-01-01T02:00:30.000Z',
      last_error: 'status_429',
      last_error_at: '2025-01-01T02:00:00.000Z',
    });
  });

  it('calls a disabled key disabled, whatever its health', () => {
    const view = presentUpstreamKey({ ...row, isEnabled: false }, { ...healthy, state: 'cooling_down', coolingDownUntil: Date.now() + 1000 });
    expect(view).toMatchObject({ health: 'disabled', cooling_down_until: null });
  });
});
