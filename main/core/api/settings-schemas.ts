// The wire shapes of settings changed at run time (GET/PATCH /manage/settings): the input schema
// (browser-safe, like the contract it feeds) and the view. Names are snake_case like the rest of the API.
import { z } from 'zod';
import type { RedisStatusView } from './views.ts';

export const runtimeSettingNames = ['redis_url', 'redis_prefix', 'cache_max_bytes', 'event_retention_days', 'log_level'] as const;
export type RuntimeSettingName = (typeof runtimeSettingNames)[number];
export const logLevelNames = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevelName = (typeof logLevelNames)[number];

/** Each field sets the setting; null clears the change (back to the value the server started with); "" for redis_url: no Redis. */
export const settingsSchemas = {
  settingsUpdate: z
    .object({
      redis_url: z
        .string()
        .trim()
        .max(2000, 'is too long')
        .refine((v) => v === '' || /^rediss?:\/\/[^\s]+$/i.test(v), 'must be a redis:// or rediss:// URL such as redis://127.0.0.1:6379 (or empty: no Redis)')
        .nullable()
        .optional(),
      redis_prefix: z
        .string()
        .regex(/^[\w.:-]{1,64}$/, 'must be 1 to 64 letters, digits or . _ - :')
        .nullable()
        .optional(),
      cache_max_bytes: z
        .number()
        .int('must be a whole number')
        .min(0, 'must not be negative')
        .max(Number.MAX_SAFE_INTEGER, 'is too large')
        .nullable()
        .optional(),
      event_retention_days: z.number().int('must be a whole number').min(0, 'must not be negative').max(3650, 'must be at most 3650').nullable().optional(),
      log_level: z
        .enum(logLevelNames, { error: `must be one of ${logLevelNames.join(', ')}` })
        .nullable()
        .optional(),
    })
    .strict()
    .refine((v) => Object.values(v).some((x) => x !== undefined), { message: `say what to change: ${runtimeSettingNames.join(', ')}`, path: [] }),
};

export interface RuntimeSettingView<T> {
  /** In effect now; a Redis URL's password is masked (`redis://:****@host:6379`). */
  value: T;
  /** What a cleared change (null) falls back to: the config file's value or the default. */
  start_value: T;
  /** `changed`: set at run time and kept in the database (encrypted). */
  source: 'default' | 'config_file' | 'flag' | 'env' | 'changed';
  /** Where exactly: `env LLM_PROXY_REDIS_URL`, `flag --redis-url`, `config file /etc/llm-proxy.json`; null otherwise. */
  source_detail: string | null;
  /** Fixed by a flag or an environment variable: PATCH answers 409 setting_locked. */
  locked: boolean;
  /** When it was changed at run time; null when it was not. */
  changed_at: string | null;
}

export interface RuntimeSettingsView {
  settings: {
    redis_url: RuntimeSettingView<string | null>;
    redis_prefix: RuntimeSettingView<string>;
    cache_max_bytes: RuntimeSettingView<number>;
    event_retention_days: RuntimeSettingView<number>;
    log_level: RuntimeSettingView<LogLevelName>;
  };
  /** The Redis connection as it is now (as in system.info). */
  redis: RedisStatusView;
}
