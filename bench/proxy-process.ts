// Starts the proxy as its own process for the bench (a fresh data dir, a project pointing at the mock
// upstream and a token with limits that are never reached), and gives it back as a Target.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Target } from './measure.ts';
import { startProcess, type Participant } from './processes.ts';

/** At least 32 characters, as serve requires. */
export const BENCH_MANAGEMENT_TOKEN = 'bench-management-token-0123456789abcdef';
export const BENCH_BODY = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say ok.' }] });

/** Limits that never refuse, so every request pays for a full decision. */
const NEVER_REACHED = { rpm_limit: 1_000_000_000, tpm_limit: 1_000_000_000_000 };

export interface ProxyVariant {
  name: string;
  limits?: boolean;
  args?: string[];
  headers?: Record<string, string>;
  /** Another checkout's bin/llm-proxy.js (the pipeline's baseline). */
  bin?: string;
  /** Extra fields for the project, and keys added after the first. */
  project?: Record<string, unknown>;
  keys?: { label: string; api_key: string; weight: number }[];
  /** Extra fields for the token (e.g. a budget). */
  token?: Record<string, unknown>;
  /** Node flags for the proxy process (e.g. --cpu-prof). */
  nodeArgs?: string[];
}

export async function startProxy(upstreamUrl: string, children: Participant[], variant: ProxyVariant = { name: 'proxy (full path)' }): Promise<Target> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmp-bench-'));
  const managementToken = BENCH_MANAGEMENT_TOKEN;
  const proxy = await startProcess(
    [
      ...(variant.nodeArgs ?? []),
      variant.bin ?? 'bin/llm-proxy.js',
      'serve',
      '--port',
      '0',
      '--data-dir',
      dataDir,
      '--management-token',
      managementToken,
      '--log-level',
      'warn',
      ...(variant.args ?? []),
    ],
    /LLM Proxy listening on (http:\/\/\S+)/,
  );
  children.push(proxy);
  const manage = async (urlPath: string, payload: unknown) => {
    const res = await fetch(proxy.url + urlPath, {
      method: 'POST',
      headers: { authorization: `Bearer ${managementToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(payload),
    });
    if (res.status !== 201) throw new Error(`${urlPath}: ${res.status} ${await res.text()}`);
    return (await res.json()) as { id: string; token: string };
  };
  const project = await manage('/manage/projects', { name: 'bench', api_key: 'sk-bench-upstream', base_url: upstreamUrl, ...variant.project });
  for (const key of variant.keys ?? []) await manage(`/manage/projects/${project.id}/keys`, key);
  const token = await manage('/manage/tokens', {
    project_id: project.id,
    duration_minutes: 600,
    max_requests: 1_000_000_000,
    allowed_models: ['gpt-4o-mini'],
    ...(variant.limits && NEVER_REACHED),
    ...variant.token,
  });
  return {
    name: variant.name,
    url: proxy.url,
    pid: proxy.child.pid,
    headers: { authorization: `Bearer ${token.token}`, ...variant.headers },
    body: BENCH_BODY,
  };
}
