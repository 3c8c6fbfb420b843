// Settings changed at run time, kept in the store: one row per setting, the JSON value sealed with the
// data key (AES-256-GCM, `setting:<name>` as associated data), so a Redis URL's password is never in
// clear on disk. At start they win over the config file and the defaults, never over a flag or an
// environment variable.
import type { SettingSources } from '../config/setting-sources.ts';
import type { Settings } from '../config/settings.ts';
import type { Sealer } from '../secrets/sealer.ts';
import type { Store } from '../store/types.ts';
import type { RuntimeSettingName } from '../api/settings-schemas.ts';

/** The API's name of each setting that can change at run time, and its key in Settings. */
export const RUNTIME_SETTING_KEYS = {
  redis_url: 'redisUrl',
  redis_prefix: 'redisPrefix',
  cache_max_bytes: 'cacheMaxBytes',
  event_retention_days: 'eventRetentionDays',
  log_level: 'logLevel',
} as const satisfies Record<RuntimeSettingName, keyof Settings>;

export type RuntimeKey = (typeof RUNTIME_SETTING_KEYS)[RuntimeSettingName];
export type RuntimeValues = Pick<Settings, RuntimeKey>;

export interface StoredSetting {
  /** As stored: for redis_url, "" is "no Redis". */
  value: unknown;
  changedAt: number;
}

const aad = (name: string) => `setting:${name}`;

export function sealSetting(sealer: Sealer, name: RuntimeSettingName, value: unknown, now: number) {
  return { name, valueSealed: sealer.seal(JSON.stringify(value), aad(name)), updatedAt: now };
}

/**
 * The stored changes; rows of settings this build does not know are ignored, and so are rows sealed with
 * another data key (reported: the server starts with its flags, environment, config file and defaults).
 */
export async function readStoredSettings(
  store: Pick<Store, 'settings'>,
  sealer: Sealer,
  unreadable: (name: string) => void,
): Promise<Map<RuntimeSettingName, StoredSetting>> {
  const stored = new Map<RuntimeSettingName, StoredSetting>();
  for (const row of await store.settings.list()) {
    if (!Object.prototype.hasOwnProperty.call(RUNTIME_SETTING_KEYS, row.name)) continue;
    try {
      stored.set(row.name as RuntimeSettingName, { value: JSON.parse(sealer.open(row.valueSealed, aad(row.name))), changedAt: row.updatedAt });
    } catch {
      unreadable(row.name);
    }
  }
  return stored;
}

/** Settings as stored changes make them: a flag or an environment variable always wins. */
export function withStoredSettings(startup: Settings, stored: ReadonlyMap<RuntimeSettingName, StoredSetting>, sources: SettingSources): Settings {
  const out: Settings = { ...startup };
  for (const [name, { value }] of stored) {
    const key = RUNTIME_SETTING_KEYS[name];
    if (isLocked(sources, key)) continue;
    (out as unknown as Record<string, unknown>)[key] = fromStored(name, value);
  }
  return out;
}

export function isLocked(sources: SettingSources, key: RuntimeKey): boolean {
  const kind = sources[key]?.kind;
  return kind === 'flag' || kind === 'env';
}

/** "" (no Redis) is stored as such and runs as no URL. */
function fromStored(name: RuntimeSettingName, value: unknown): unknown {
  return name === 'redis_url' && value === '' ? undefined : value;
}
