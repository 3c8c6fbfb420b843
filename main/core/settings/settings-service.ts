// settings.get / settings.update: what can change at run time, where each value comes from, and changes
// that apply at once (./settings-applier.ts) and are kept across restarts (./stored-settings.ts).
// A setting fixed by a flag or an environment variable is locked: changing it is 409 setting_locked.
import type { AuditLog } from '../audit/audit-log.ts';
import type { Clock } from '../clock.ts';
import type { SettingSources } from '../config/setting-sources.ts';
import type { Settings } from '../config/settings.ts';
import { AppError } from '../errors.ts';
import { locationOf } from '../redis/connection.ts';
import type { Sealer } from '../secrets/sealer.ts';
import type { Store } from '../store/types.ts';
import { auditBase, type CallContext } from '../api/handler-types.ts';
import type { ParsedInputOf } from '../api/contract.ts';
import { runtimeSettingNames, type RuntimeSettingName, type RuntimeSettingView, type RuntimeSettingsView } from '../api/settings-schemas.ts';
import type { RedisStatusView } from '../api/views.ts';
import type { SettingsApplier } from './settings-applier.ts';
import { isLocked, RUNTIME_SETTING_KEYS, sealSetting, type StoredSetting } from './stored-settings.ts';

export interface SettingsService {
  view(): RuntimeSettingsView;
  update(input: ParsedInputOf<'settings.update'>, ctx: CallContext): Promise<RuntimeSettingsView>;
}

export interface SettingsServiceDeps {
  store: Pick<Store, 'settings'>;
  sealer: Sealer;
  clock: Clock;
  audit: Pick<AuditLog, 'record'>;
  /** As loaded at start, before stored changes: what a cleared change falls back to. */
  startup: Settings;
  sources: SettingSources;
  /** The changes read from the store at start. */
  stored: Map<RuntimeSettingName, StoredSetting>;
  applier: SettingsApplier;
  redisStatus: () => RedisStatusView;
}

export function createSettingsService(deps: SettingsServiceDeps): SettingsService {
  const stored = new Map(deps.stored);
  let queue: Promise<unknown> = Promise.resolve();

  const settingView = <T>(name: RuntimeSettingName, shown: (value: unknown) => T): RuntimeSettingView<T> => {
    const key = RUNTIME_SETTING_KEYS[name];
    const source = deps.sources[key];
    const locked = isLocked(deps.sources, key);
    const change = locked ? undefined : stored.get(name);
    return {
      value: shown(deps.applier.current()[key]),
      start_value: shown(deps.startup[key]),
      source: change ? 'changed' : (source?.kind ?? 'default'),
      source_detail: change ? null : (source?.detail ?? null),
      locked,
      changed_at: change ? new Date(change.changedAt).toISOString() : null,
    };
  };

  const view = (): RuntimeSettingsView => ({
    settings: {
      redis_url: settingView('redis_url', (v) => (typeof v === 'string' && v ? maskRedisUrl(v) : null)),
      redis_prefix: settingView('redis_prefix', (v) => v as string),
      cache_max_bytes: settingView('cache_max_bytes', (v) => v as number),
      event_retention_days: settingView('event_retention_days', (v) => v as number),
      log_level: settingView('log_level', (v) => v as RuntimeSettingsView['settings']['log_level']['value']),
    },
    redis: deps.redisStatus(),
  });

  const update = async (input: ParsedInputOf<'settings.update'>, ctx: CallContext): Promise<RuntimeSettingsView> => {
    const names = runtimeSettingNames.filter((name) => input[name] !== undefined);
    const locked = names.filter((name) => isLocked(deps.sources, RUNTIME_SETTING_KEYS[name]));
    if (locked.length) {
      const where = locked.map((name) => `${name} (${deps.sources[RUNTIME_SETTING_KEYS[name]]!.detail})`).join(', ');
      throw new AppError('setting_locked', `Set by a flag or environment variable, so it cannot change here: ${where}. Change it there and restart.`);
    }
    // null: back to the value the server started with; "" for redis_url: no Redis.
    const change: Record<string, unknown> = {};
    for (const name of names) {
      const key = RUNTIME_SETTING_KEYS[name];
      const value = input[name];
      change[key] = value === null ? deps.startup[key] : name === 'redis_url' && value === '' ? undefined : value;
    }
    const before = deps.applier.current();
    await deps.applier.apply(change);
    const now = deps.clock.now();
    const put = names.filter((name) => input[name] !== null).map((name) => sealSetting(deps.sealer, name, input[name], now));
    const removed = names.filter((name) => input[name] === null);
    try {
      await deps.store.settings.write(put, removed);
    } catch (err) {
      // Not kept, so not applied either: the next start would not have it.
      await deps.applier
        .apply(Object.fromEntries(names.map((name) => [RUNTIME_SETTING_KEYS[name], before[RUNTIME_SETTING_KEYS[name]]])))
        .catch(() => undefined);
      throw err;
    }
    for (const name of removed) stored.delete(name);
    for (const name of names) if (input[name] !== null) stored.set(name, { value: input[name], changedAt: now });
    const redisUrl = deps.applier.current().redisUrl;
    await deps.audit.record({
      ...auditBase(ctx),
      action: 'settings.update',
      outcome: 'success',
      targetType: 'settings',
      // Names only, and where Redis is (never its URL: it may hold a password).
      details: { changed: names, reset: removed, ...(names.includes('redis_url') ? { redis: redisUrl ? locationOf(redisUrl) : null } : {}) },
    });
    return view();
  };

  return {
    view,
    // One change at a time: a second waits for the first to apply and be kept.
    update(input, ctx) {
      const result = queue.then(() => update(input, ctx));
      queue = result.catch(() => undefined);
      return result;
    },
  };
}

/** `redis://user:secret@host:6379/0` → `redis://user:****@host:6379/0`; URLs without a password unchanged. */
export function maskRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.password) return url;
    parsed.password = '****';
    return parsed.toString();
  } catch {
    return '(invalid URL)';
  }
}
