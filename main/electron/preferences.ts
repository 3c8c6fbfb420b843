// Desktop preferences (electron-store in preferences.json under the app's userData folder): what only the
// desktop app needs. Settings the headless server also reads stay in the core's config. A value someone
// broke by hand falls back to its default instead of stopping the app.
import { z } from 'zod';

export const THEMES = ['system', 'light', 'dark'] as const;

export const preferencesSchema = z.object({
  /** The proxy's port on 127.0.0.1 (an explicit LLM_PROXY_PORT still wins). */
  port: z.number().int().min(0).max(65535).catch(8484),
  startAtLogin: z.boolean().catch(false),
  /** Drives nativeTheme.themeSource, which the screens follow through prefers-color-scheme. */
  theme: z.enum(THEMES).catch('system'),
  /** Lifetime of a token made from the tray ("New token for ▸"). */
  trayTokenMinutes: z.number().int().min(1).max(525_600).catch(480),
  /** The user agreed to keep the data key in a 0600 file because the OS offers no keychain. */
  plainKeyFileAccepted: z.boolean().catch(false),
});

export type DesktopPreferences = z.output<typeof preferencesSchema>;

export const defaultPreferences: DesktopPreferences = preferencesSchema.parse({});

/** electron-store (or a Map-backed stand-in) seen through the two calls used here. */
export interface PreferencesBackend {
  readonly store: Record<string, unknown>;
  set(key: string, value: unknown): void;
}

export interface Preferences {
  read(): DesktopPreferences;
  update(patch: Partial<DesktopPreferences>): DesktopPreferences;
}

export function createPreferences(backend: PreferencesBackend): Preferences {
  const read = () => {
    const raw = backend.store;
    return preferencesSchema.parse(raw && typeof raw === 'object' ? raw : {});
  };
  return {
    read,
    update(patch) {
      const next = preferencesSchema.parse({ ...read(), ...patch });
      for (const key of Object.keys(patch) as (keyof DesktopPreferences)[]) backend.set(key, next[key]);
      return next;
    },
  };
}
