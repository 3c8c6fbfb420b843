// The Settings form sends only what differs from what runs now, never a locked setting, and checks
// every field at once.
import { describe, expect, it } from 'vitest';
import type { RuntimeSettingView, RuntimeSettingsView } from '../../../main/core/api/settings-schemas.ts';
import { changeOf, checkRuntimeSettings, runtimeSettingsFieldOf, valuesOf } from './runtime-settings-form.ts';

const setting = <T>(value: T, over: Partial<RuntimeSettingView<T>> = {}): RuntimeSettingView<T> => ({
  value,
  start_value: value,
  source: 'default',
  source_detail: null,
  locked: false,
  changed_at: null,
  ...over,
});

function view(over: Partial<RuntimeSettingsView['settings']> = {}): RuntimeSettingsView {
  return {
    settings: {
      redis_url: setting<string | null>(null),
      redis_prefix: setting('llmp:'),
      cache_max_bytes: setting(64 * 1024 * 1024),
      event_retention_days: setting(30),
      log_level: setting('info' as const),
      ...over,
    },
    redis: { configured: false, state: 'off', location: null, prefix: 'llmp:', fail_closed: false, since: '2025-01-01T00:00:00.000Z', local_decisions: 0 },
  };
}

describe('runtime settings form', () => {
  it('starts from what runs now and sends nothing until something changes', () => {
    const v = view();
    expect(valuesOf(v)).toEqual({ redisUrl: '', redisPrefix: 'llmp:', cacheMiB: '64', retentionDays: '30', logLevel: 'info' });
    expect(changeOf(valuesOf(v), v)).toBeNull();
  });

  it('sends only the changed fields, the cache size in bytes', () => {
    const v = view();
    expect(changeOf({ ...valuesOf(v), redisUrl: ' redis://127.0.0.1:6379 ', cacheMiB: '0.5', logLevel: 'debug' }, v)).toEqual({
      redis_url: 'redis://127.0.0.1:6379',
      cache_max_bytes: 512 * 1024,
      log_level: 'debug',
    });
  });

  it('never sends a locked setting', () => {
    const v = view({ log_level: setting('info' as const, { locked: true, source: 'env', source_detail: 'env LLM_PROXY_LOG_LEVEL' }) });
    expect(changeOf({ ...valuesOf(v), logLevel: 'trace' }, v)).toBeNull();
  });

  it('reports every problem at once and maps server paths to fields', () => {
    const checked = checkRuntimeSettings({ redisUrl: 'http://x', redisPrefix: 'has space', cacheMiB: '-1', retentionDays: '1.5', logLevel: 'info' });
    expect(checked.ok).toBe(false);
    expect(Object.keys(checked.ok ? {} : checked.errors).sort()).toEqual(['cacheMiB', 'redisPrefix', 'redisUrl', 'retentionDays']);
    expect(runtimeSettingsFieldOf('event_retention_days')).toBe('retentionDays');
    expect(runtimeSettingsFieldOf('')).toBe('_form');
  });
});
