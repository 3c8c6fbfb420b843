// Finds the server and the management token for the client commands (project, token, audit).
// Token: --management-token > LLM_PROXY_MANAGEMENT_TOKEN > config file > <data-dir>/management-token.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { loadSomeSettings } from '../core/config/settings.ts';
import { ApiClient } from './client.ts';
import type { CliContext } from './context.ts';
import { UsageError } from './io.ts';

export const DEFAULT_URL = 'http://127.0.0.1:8484';
export const URL_ENV = 'LLM_PROXY_URL';

export interface ConnectionOptions {
  url?: string;
  managementToken?: string;
  dataDir?: string;
  json?: boolean;
}

export function addConnectionOptions(cmd: Command): Command {
  return cmd
    .option('--url <url>', `server URL (env ${URL_ENV}, default ${DEFAULT_URL})`)
    .option('--management-token <token>', 'management token (env LLM_PROXY_MANAGEMENT_TOKEN; default: read <data-dir>/management-token)')
    .option('--data-dir <path>', "the server's data folder, where its generated management token is (env LLM_PROXY_DATA_DIR)")
    .option('--json', 'print the raw JSON answer');
}

export function resolveServerUrl(opts: ConnectionOptions, ctx: CliContext): string {
  const fromEnv = ctx.io.env[URL_ENV] || undefined;
  const value = opts.url ?? fromEnv ?? DEFAULT_URL;
  const origin = opts.url !== undefined ? '--url' : fromEnv !== undefined ? URL_ENV : 'default URL';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${origin} must be a URL such as ${DEFAULT_URL}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`${origin} must start with http:// or https://`);
  if (url.search || url.hash || url.username || url.password) {
    throw new UsageError(`${origin} must not contain credentials, a query or a fragment`);
  }
  return url.href.replace(/\/+$/, '');
}

/** The token to send, or undefined (the server then answers 401 and we say how to supply one). */
function resolveManagementToken(opts: ConnectionOptions, ctx: CliContext): { token: string | undefined; tokenFile: string } {
  const settings = loadSomeSettings({ flags: { managementToken: opts.managementToken, dataDir: opts.dataDir }, env: ctx.io.env, cwd: ctx.cwd }, [
    'managementToken',
    'dataDir',
  ]);
  const tokenFile = path.join(settings.dataDir, 'management-token');
  if (settings.managementToken) return { token: settings.managementToken, tokenFile };
  try {
    const token = readFileSync(tokenFile, 'utf8').trim();
    return { token: token || undefined, tokenFile };
  } catch {
    return { token: undefined, tokenFile }; // not there or not readable: the 401 hint explains
  }
}

export function connect(opts: ConnectionOptions, ctx: CliContext): ApiClient {
  const baseUrl = resolveServerUrl(opts, ctx);
  const { token, tokenFile } = resolveManagementToken(opts, ctx);
  const unauthorizedHint = token
    ? 'check the management token (--management-token or LLM_PROXY_MANAGEMENT_TOKEN)'
    : `no management token found: pass --management-token, set LLM_PROXY_MANAGEMENT_TOKEN, or make ${tokenFile} readable`;
  return new ApiClient({
    baseUrl,
    managementToken: token,
    unauthorizedHint,
    userAgent: `llm-proxy-cli/${ctx.version}`,
    fetch: ctx.deps.fetch,
  });
}
