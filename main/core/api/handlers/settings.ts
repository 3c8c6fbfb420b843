// settings.*: what can change at run time (Redis, cache size, event retention, log level), applied at
// once and kept across restarts; the work is in ../../settings/settings-service.ts.
import type { SettingsService } from '../../settings/settings-service.ts';
import type { HandlersOf } from '../handler-types.ts';

export function createSettingsHandlers({ settings }: { settings: SettingsService }): HandlersOf<'settings.get' | 'settings.update'> {
  return {
    'settings.get': async () => settings.view(),
    'settings.update': (input, ctx) => settings.update(input, ctx),
  };
}
