// Where each setting's value came from, by the same precedence as loadSettings (flag > env > config
// file > default): the running app shows it, and refuses run-time changes to what a flag or an
// environment variable fixes.
import { readConfigFile } from './config-file.ts';
import { settingDescriptors } from './setting-descriptors.ts';
import type { LoadSettingsInput, SettingKey } from './settings.ts';

export interface SettingSource {
  kind: 'flag' | 'env' | 'config_file';
  /** `flag --redis-url`, `env LLM_PROXY_REDIS_URL`, `config file /etc/llm-proxy.json`. */
  detail: string;
}

/** Settings left out here came from their default. */
export type SettingSources = Partial<Record<SettingKey, SettingSource>>;

export function settingSources(input: LoadSettingsInput = {}): SettingSources {
  const flags = input.flags ?? {};
  const env = input.env ?? process.env;
  const file = readConfigFile({ flags, env, cwd: input.cwd ?? process.cwd(), knownKeys: settingDescriptors.map((d) => d.configKey) });
  const sources: SettingSources = {};
  for (const d of settingDescriptors) {
    const fromEnv = env[d.env];
    if (flags[d.key] !== undefined) sources[d.key] = { kind: 'flag', detail: `flag ${d.flag}` };
    else if (fromEnv !== undefined && fromEnv !== '') sources[d.key] = { kind: 'env', detail: `env ${d.env}` };
    else if (file && file.values[d.key] !== undefined) sources[d.key] = { kind: 'config_file', detail: `config file ${file.path}` };
  }
  return sources;
}
