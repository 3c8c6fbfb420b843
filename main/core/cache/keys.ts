// Cache keys: where an answer is stored, and which stored answers a purge selects.
// A key always names the project (tenants never share answers) and, unless the project shares answers
// between its tokens, the token. Layout (readable, so a purge can select by project, method, URL):
//
//   <namespace><project id>:<t-<token id> | shared>:<METHOD>:<path?query> <digest>[ vary | v:<variant>]
//
// `<digest>` hashes the request body and the few request headers that change an answer. A response
// with `Vary` is stored under `… v:<hash of the named request headers>`, with a small index at
// `… vary` that names those headers, so lookup and store use the same header set.
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** Request headers that change what the provider answers, so they are part of every key. */
const ANSWER_SHAPING_HEADERS = ['anthropic-version', 'anthropic-beta', 'openai-beta', 'openai-organization', 'openai-project'];

export interface KeyParts {
  projectId: string;
  /** null when the project's tokens share answers. */
  tokenId: string | null;
  method: string;
  /** Path and query as the client sent them: `/v1/models?limit=2`. */
  target: string;
  body: Buffer | null;
  headers: IncomingHttpHeaders;
}

export function baseKey(namespace: string, parts: KeyParts): string {
  const hash = createHash('sha256');
  for (const name of ANSWER_SHAPING_HEADERS) {
    const value = parts.headers[name];
    if (value !== undefined) hash.update(`${name}:${String(value)}\n`);
  }
  hash.update('\n');
  if (parts.body) hash.update(parts.body);
  const scope = parts.tokenId === null ? 'shared' : `t-${parts.tokenId}`;
  return `${namespace}${parts.projectId}:${scope}:${parts.method}:${parts.target} ${hash.digest('base64url').slice(0, 32)}`;
}

/** Where the list of headers a response varies on is kept. */
export const varyIndexKey = (base: string) => `${base} vary`;

/** The answer for one combination of the `Vary` headers' values. */
export function variantKey(base: string, fields: readonly string[], headers: IncomingHttpHeaders): string {
  const hash = createHash('sha256');
  for (const field of fields) {
    const value = headers[field];
    // Absent and empty are different requests.
    hash.update(value === undefined ? `${field}\u0000\n` : `${field}:${Array.isArray(value) ? value.join(', ') : value}\n`);
  }
  return `${base} v:${hash.digest('base64url').slice(0, 22)}`;
}

export interface ParsedKey {
  projectId: string;
  /** null for answers shared by the project's tokens. */
  tokenId: string | null;
  method: string;
  target: string;
  /** The index of a response's Vary headers, not an answer. */
  isVaryIndex: boolean;
}

/** Reads a key back (purge filters, stats); null for anything that is not a cache key. */
export function parseKey(namespace: string, key: string): ParsedKey | null {
  if (!key.startsWith(namespace)) return null;
  const rest = key.slice(namespace.length);
  const first = rest.indexOf(':');
  const second = rest.indexOf(':', first + 1);
  const third = rest.indexOf(':', second + 1);
  const space = rest.indexOf(' ', third + 1);
  if (first < 1 || second < 0 || third < 0 || space < 0) return null;
  const scope = rest.slice(first + 1, second);
  return {
    projectId: rest.slice(0, first),
    tokenId: scope.startsWith('t-') ? scope.slice(2) : null,
    method: rest.slice(second + 1, third),
    target: rest.slice(third + 1, space),
    isVaryIndex: rest.endsWith(' vary'),
  };
}

/** What a purge removes. Combinations narrow: a project and a prefix removes that prefix in that project. */
export interface PurgeSelector {
  all?: boolean;
  projectId?: string;
  prefix?: string;
  method?: string;
  /** Path and query, exact: every body and token for that method and URL. */
  url?: string;
}

export interface PurgeMatcher {
  /** A Redis SCAN MATCH pattern that selects at least every key to remove (narrowed by `matches`). */
  glob: string;
  matches(key: string): boolean;
}

export function purgeMatcher(namespace: string, selector: PurgeSelector): PurgeMatcher {
  const project = selector.projectId ? escapeGlob(selector.projectId) : '*';
  let glob = `${escapeGlob(namespace)}${project}:*`;
  if (selector.method && selector.url !== undefined) glob = `${escapeGlob(namespace)}${project}:*:${escapeGlob(selector.method)}:${escapeGlob(selector.url)} *`;
  else if (selector.prefix) glob = `${escapeGlob(namespace)}${project}:*:*:${escapeGlob(selector.prefix)}*`;
  return {
    glob,
    matches(key) {
      const parsed = parseKey(namespace, key);
      if (!parsed) return false;
      if (selector.projectId && parsed.projectId !== selector.projectId) return false;
      if (selector.prefix && !parsed.target.startsWith(selector.prefix)) return false;
      if (selector.method && selector.url !== undefined && (parsed.method !== selector.method || parsed.target !== selector.url)) return false;
      return true;
    },
  };
}

/** Redis glob: `*`, `?`, `[`, `]` and `\` are special. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

/** `METHOD /path` without the query: what the stats group answers by. */
export function endpointOf(parsed: ParsedKey): string {
  const q = parsed.target.indexOf('?');
  return `${parsed.method} ${q === -1 ? parsed.target : parsed.target.slice(0, q)}`;
}
