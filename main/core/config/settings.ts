// Loads the settings: each one from the strongest source that has it — flag > env > config file > default —
// validated by the one schema (./settings-schema.ts), with errors that name the setting and its source.
import path from 'node:path';
import type { z } from 'zod';
import { AppError } from '../errors.ts';
import { readConfigFile, type ConfigFile } from './config-file.ts';
import { settingDescriptors, type SettingDescriptor } from './setting-descriptors.ts';
import { renderSettingsTable } from './settings-help.ts';
import { settingsSchema, type SettingKey, type Settings } from './settings-schema.ts';

export { LETS_ENCRYPT_DIRECTORY, LOG_LEVELS, settingsSchema, type LogLevel, type SettingKey, type Settings } from './settings-schema.ts';
export { settingDescriptors, type SettingDescriptor } from './setting-descriptors.ts';

export interface LoadSettingsInput {
  /** Parsed flags keyed like the settings (commander's camelCase); `config` names the config file. */
  flags?: Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

type Source = { kind: 'flag' } | { kind: 'env' } | { kind: 'file'; file: ConfigFile };

function describeSource(d: SettingDescriptor, source: Source): string {
  if (source.kind === 'flag') return `flag ${d.flag}`;
  if (source.kind === 'env') return `env ${d.env}`;
  return `config file ${source.file.path}, key "${d.configKey}"`;
}

function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Picks each setting's raw value from the strongest source that has one. */
function pickRawValues(input: LoadSettingsInput, keys: readonly SettingKey[]) {
  const flags = input.flags ?? {};
  const env = input.env ?? process.env;
  const cwd = input.cwd ?? process.cwd();
  const file = readConfigFile({ flags, env, cwd, knownKeys: settingDescriptors.map((d) => d.configKey) });
  const raw: Partial<Record<SettingKey, unknown>> = {};
  const sources = new Map<SettingKey, Source>();
  for (const d of settingDescriptors) {
    if (!keys.includes(d.key)) continue;
    const envValue = env[d.env];
    if (flags[d.key] !== undefined) {
      raw[d.key] = flags[d.key];
      sources.set(d.key, { kind: 'flag' });
    } else if (envValue !== undefined && envValue !== '') {
      raw[d.key] = envValue;
      sources.set(d.key, { kind: 'env' });
    } else if (file && file.values[d.key] !== undefined) {
      raw[d.key] = file.values[d.key];
      sources.set(d.key, { kind: 'file', file });
    }
  }
  return { raw, sources, cwd };
}

function configError(issues: z.core.$ZodIssue[], raw: Partial<Record<SettingKey, unknown>>, sources: Map<SettingKey, Source>): AppError {
  const problems = issues.map((issue) => {
    const key = issue.path[0] as SettingKey;
    const d = settingDescriptors.find((x) => x.key === key);
    const source = sources.get(key);
    if (!d || !source) return { path: String(key), message: issue.message };
    const got = d.secret ? '' : `, got ${shown(raw[key])}`;
    return { path: key, message: `${key} ${issue.message} (from ${describeSource(d, source)}${got})` };
  });
  const unique = problems.filter((p, i) => problems.findIndex((q) => q.path === p.path) === i);
  return new AppError('config_invalid', `invalid setting${unique.length > 1 ? 's' : ''}: ${unique.map((p) => p.message).join('; ')}`, unique);
}

function resolvePaths<T extends Partial<Settings>>(values: T, sources: Map<SettingKey, Source>, cwd: string): T {
  const out = { ...values };
  for (const d of settingDescriptors) {
    const value = out[d.key];
    if (!d.isPath || typeof value !== 'string') continue;
    const source = sources.get(d.key);
    const base = source?.kind === 'file' ? path.dirname(source.file.path) : cwd;
    (out as Record<string, unknown>)[d.key] = path.resolve(base, value);
  }
  return out;
}

/** Reads every setting; throws AppError('config_invalid') naming the setting and where its value came from. */
export function loadSettings(input: LoadSettingsInput = {}): Settings {
  const { raw, sources, cwd } = pickRawValues(
    input,
    settingDescriptors.map((d) => d.key),
  );
  const parsed = settingsSchema.safeParse(raw);
  if (!parsed.success) throw configError(parsed.error.issues, raw, sources);
  const s = resolvePaths(parsed.data, sources, cwd);
  return {
    ...s,
    databaseFile: s.databaseFile ?? path.join(s.dataDir, 'llm-proxy.db'),
    databaseUrl: s.databaseUrl,
    managementToken: s.managementToken,
    encryptionKey: s.encryptionKey,
    tlsCert: s.tlsCert,
    tlsKey: s.tlsKey,
    acmeDomain: s.acmeDomain?.toLowerCase(),
    acmeEmail: s.acmeEmail,
    httpRedirectPort: s.httpRedirectPort,
    redisUrl: s.redisUrl,
    eventLog: s.eventLog,
    eventWebhook: s.eventWebhook,
    otlpEndpoint: s.otlpEndpoint,
    heliconeApiKey: s.heliconeApiKey,
  };
}

/** Reads only some settings (the CLI's client commands need dataDir, not a valid port). */
export function loadSomeSettings<K extends SettingKey>(input: LoadSettingsInput, keys: readonly K[]): Pick<Settings, K> {
  const wanted: SettingKey[] = [...keys];
  if (wanted.includes('databaseFile') && !wanted.includes('dataDir')) wanted.push('dataDir');
  const { raw, sources, cwd } = pickRawValues(input, wanted);
  const mask = Object.fromEntries(wanted.map((k) => [k, true])) as Record<SettingKey, true>;
  const parsed = settingsSchema.pick(mask).safeParse(raw);
  if (!parsed.success) throw configError(parsed.error.issues, raw, sources);
  const s = resolvePaths(parsed.data as Partial<Settings>, sources, cwd);
  if (wanted.includes('databaseFile')) s.databaseFile ??= path.join(s.dataDir as string, 'llm-proxy.db');
  return s as Pick<Settings, K>;
}

/** The settings as a text table (flag and env var, default, description), for `serve --help`. */
export function renderSettingsHelp(options: { width?: number } = {}): string {
  return renderSettingsTable(settingDescriptors, options);
}
