import { describe, expect, it } from 'vitest';
import { createPreferences, defaultPreferences, type PreferencesBackend } from './preferences.ts';

function memoryBackend(initial: Record<string, unknown> = {}): PreferencesBackend & { data: Record<string, unknown> } {
  const data = { ...initial };
  return {
    data,
    get store() {
      return { ...data };
    },
    set(key, value) {
      data[key] = value;
    },
  };
}

describe('desktop preferences', () => {
  it('defaults: port 8484, no start at login, system theme, 8-hour tray tokens', () => {
    expect(createPreferences(memoryBackend()).read()).toEqual(defaultPreferences);
    expect(defaultPreferences).toEqual({ port: 8484, startAtLogin: false, theme: 'system', trayTokenMinutes: 480, plainKeyFileAccepted: false });
  });

  it('stores only what changed', () => {
    const backend = memoryBackend();
    const prefs = createPreferences(backend);
    expect(prefs.update({ theme: 'dark', port: 9000 })).toMatchObject({ theme: 'dark', port: 9000 });
    expect(backend.data).toEqual({ theme: 'dark', port: 9000 });
    expect(prefs.read().theme).toBe('dark');
  });

  it('a value broken by hand falls back to its default, the others survive', () => {
    const prefs = createPreferences(memoryBackend({ port: 'eighty', theme: 'neon', startAtLogin: true, trayTokenMinutes: -5, extra: 1 }));
    expect(prefs.read()).toEqual({ ...defaultPreferences, startAtLogin: true });
  });

  it('an invalid update is repaired before it is stored', () => {
    const backend = memoryBackend();
    createPreferences(backend).update({ port: 70000 });
    expect(backend.data.port).toBe(8484);
  });
});
