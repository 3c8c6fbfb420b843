// Each setting's flag, env var, config-file key and help text, derived from the schema's metadata.
import type { z } from 'zod';
import { settingMeta, settingsSchema, type SettingKey } from './settings-schema.ts';

export interface SettingDescriptor {
  key: SettingKey;
  /** `--some-name` */
  flag: string;
  /** `LLM_PROXY_SOME_NAME` */
  env: string;
  /** Key in the JSON config file (the same as `key`). */
  configKey: SettingKey;
  valueName: string;
  description: string;
  defaultLabel: string;
  secret: boolean;
  isPath: boolean;
  /** Takes no value on the command line: `--tls-self-signed`. */
  isSwitch: boolean;
}

const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

function labelOfDefault(schema: z.ZodType): string {
  const value: unknown = schema.safeParse(undefined).data;
  if (value === undefined) return '(none)';
  if (Array.isArray(value)) return value.length ? value.join(',') : '(none)';
  return String(value);
}

export const settingDescriptors: SettingDescriptor[] = (Object.keys(settingsSchema.shape) as SettingKey[]).map((key) => {
  const schema = settingsSchema.shape[key];
  const meta = settingMeta.get(schema);
  if (!meta) throw new Error(`setting ${key} has no description`);
  return {
    key,
    flag: `--${kebab(key)}`,
    env: `LLM_PROXY_${kebab(key).replace(/-/g, '_').toUpperCase()}`,
    configKey: key,
    valueName: meta.valueName,
    description: meta.description,
    defaultLabel: meta.defaultLabel ?? labelOfDefault(schema),
    secret: meta.secret ?? false,
    isPath: meta.isPath ?? false,
    isSwitch: meta.isSwitch ?? false,
  };
});
