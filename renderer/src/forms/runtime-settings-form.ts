// The Settings form: what the owner typed, checked the way the server checks it, and the change it makes
// (only the fields that differ from what runs now; the Redis URL only when one was typed).
import type { InputOf } from '../../../main/core/api/contract.ts';
import { logLevelNames, type LogLevelName, type RuntimeSettingsView } from '../../../main/core/api/settings-schemas.ts';
import type { Checked, FieldErrors } from './validate.ts';

const MIB = 1024 * 1024;

export interface RuntimeSettingsValues {
  /** Empty: keep the URL that runs now. */
  redisUrl: string;
  redisPrefix: string;
  cacheMiB: string;
  retentionDays: string;
  logLevel: LogLevelName;
}

export type RuntimeSettingsField = keyof RuntimeSettingsValues | '_form';

export function valuesOf(view: RuntimeSettingsView): RuntimeSettingsValues {
  const s = view.settings;
  return {
    redisUrl: '',
    redisPrefix: s.redis_prefix.value,
    cacheMiB: String(Math.round((s.cache_max_bytes.value / MIB) * 100) / 100),
    retentionDays: String(s.event_retention_days.value),
    logLevel: s.log_level.value,
  };
}

/** Every problem at once, keyed by field. */
export function checkRuntimeSettings(values: RuntimeSettingsValues): Checked<RuntimeSettingsValues> {
  const errors: FieldErrors = {};
  const url = values.redisUrl.trim();
  if (url && !/^rediss?:\/\/\S+$/i.test(url)) errors.redisUrl = 'Must be a redis:// or rediss:// URL such as redis://127.0.0.1:6379';
  if (!/^[\w.:-]{1,64}$/.test(values.redisPrefix)) errors.redisPrefix = 'Must be 1 to 64 letters, digits or . _ - :';
  const mib = Number(values.cacheMiB);
  if (values.cacheMiB.trim() === '' || !Number.isFinite(mib) || mib < 0) errors.cacheMiB = 'Must be a size in MiB, 0 or more (0 turns the memory cache off)';
  const days = Number(values.retentionDays);
  if (!Number.isInteger(days) || days < 0 || days > 3650) errors.retentionDays = 'Must be a whole number of days from 0 to 3650';
  if (!logLevelNames.includes(values.logLevel)) errors.logLevel = `Must be one of ${logLevelNames.join(', ')}`;
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, value: values };
}

/** The fields that differ from what runs now; null when nothing would change. */
export function changeOf(values: RuntimeSettingsValues, view: RuntimeSettingsView): InputOf<'settings.update'> | null {
  const s = view.settings;
  const change: InputOf<'settings.update'> = {};
  const url = values.redisUrl.trim();
  if (url && !s.redis_url.locked) change.redis_url = url;
  if (values.redisPrefix !== s.redis_prefix.value && !s.redis_prefix.locked) change.redis_prefix = values.redisPrefix;
  const bytes = Math.round(Number(values.cacheMiB) * MIB);
  if (bytes !== s.cache_max_bytes.value && !s.cache_max_bytes.locked) change.cache_max_bytes = bytes;
  const days = Number(values.retentionDays);
  if (days !== s.event_retention_days.value && !s.event_retention_days.locked) change.event_retention_days = days;
  if (values.logLevel !== s.log_level.value && !s.log_level.locked) change.log_level = values.logLevel;
  return Object.keys(change).length ? change : null;
}

/** Server issue paths → the form's fields. */
export function runtimeSettingsFieldOf(path: string): string {
  const fields: Record<string, RuntimeSettingsField> = {
    redis_url: 'redisUrl',
    redis_prefix: 'redisPrefix',
    cache_max_bytes: 'cacheMiB',
    event_retention_days: 'retentionDays',
    log_level: 'logLevel',
  };
  return fields[path] ?? '_form';
}
