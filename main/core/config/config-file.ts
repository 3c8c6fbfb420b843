// Reads the JSON config file named by `--config` or LLM_PROXY_CONFIG. Errors name the file but never
// quote its content: it may hold the management token or the encryption key.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../errors.ts';

export interface ConfigFile {
  /** Absolute path. */
  path: string;
  values: Record<string, unknown>;
}

interface ReadInput {
  flags: Record<string, unknown>;
  env: NodeJS.ProcessEnv;
  cwd: string;
  knownKeys: readonly string[];
}

/** Returns undefined when no config file is named. */
export function readConfigFile({ flags, env, cwd, knownKeys }: ReadInput): ConfigFile | undefined {
  const fromFlag = flags['config'];
  const named = fromFlag !== undefined ? fromFlag : env['LLM_PROXY_CONFIG'] || undefined;
  if (named === undefined) return undefined;
  const origin = fromFlag !== undefined ? 'flag --config' : 'env LLM_PROXY_CONFIG';
  if (typeof named !== 'string' || named === '') {
    throw new AppError('config_invalid', `config file path must be a non-empty string (from ${origin})`);
  }
  const file = path.resolve(cwd, named);

  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'not found' : `cannot be read (${code ?? 'unknown error'})`;
    throw new AppError('config_invalid', `config file ${file} ${why} (from ${origin})`);
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    // V8's message quotes the text around the error; keep only the position.
    const position = /position (\d+)/.exec(String((err as Error).message))?.[1];
    const where = position === undefined ? '' : ` at ${lineAndColumn(text, Number(position))}`;
    throw new AppError('config_invalid', `config file ${file} is not valid JSON${where} (from ${origin})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new AppError('config_invalid', `config file ${file} must hold a JSON object of settings (from ${origin})`);
  }

  const values = parsed as Record<string, unknown>;
  const unknown = Object.keys(values).filter((key) => !knownKeys.includes(key));
  if (unknown.length > 0) {
    const named = unknown.map((key) => {
      const guess = closestKey(key, knownKeys);
      return guess ? `"${key}" (did you mean "${guess}"?)` : `"${key}"`;
    });
    throw new AppError('config_invalid', `config file ${file} has unknown settings: ${named.join(', ')}; known settings: ${knownKeys.join(', ')}`);
  }
  return { path: file, values };
}

function lineAndColumn(text: string, position: number): string {
  const before = text.slice(0, position).split('\n');
  return `line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1}`;
}

/** Matches `data_dir`, `DATA-DIR` or `LLM_PROXY_DATA_DIR` to `dataDir`. */
function closestKey(key: string, knownKeys: readonly string[]): string | undefined {
  const squash = (s: string) =>
    s
      .toLowerCase()
      .replace(/[^a-z0-9]/g, '')
      .replace(/^llmproxy/, '');
  return knownKeys.find((known) => squash(known) === squash(key));
}
