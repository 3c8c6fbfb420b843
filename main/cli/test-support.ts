// Shared by the CLI's tests: an in-memory io, a canned /manage server on 127.0.0.1:0 that records
// what the CLI sends, and a temp folder per test.

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { onTestFinished } from 'vitest';
import type { AuditEventView, ProjectView, TokenView, UpstreamKeyView } from '../core/api/views.ts';
import type { CliDeps } from './context.ts';
import type { CliIo, OutputStream } from './io.ts';
import { runCli } from './run.ts';

/** 2025-01-01T00:00:00.000Z: the clock every CLI test runs at. */
export const NOW = Date.UTC(2025, 0, 1);

export class MemoryStream implements OutputStream {
  text = '';
  private waiters: { pattern: RegExp; resolve: (match: RegExpMatchArray) => void }[] = [];

  write(chunk: string): boolean {
    this.text += chunk;
    this.waiters = this.waiters.filter((w) => {
      const match = this.text.match(w.pattern);
      if (match) w.resolve(match);
      return !match;
    });
    return true;
  }

  /** Resolves as soon as the output matches (no polling, no sleeps). */
  waitFor(pattern: RegExp): Promise<RegExpMatchArray> {
    const match = this.text.match(pattern);
    if (match) return Promise.resolve(match);
    return new Promise((resolve) => this.waiters.push({ pattern, resolve }));
  }
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  stdin?: string;
  stdinIsTTY?: boolean;
  cwd?: string;
  deps?: Partial<CliDeps>;
}

export function memoryIo(opts: RunOptions = {}): CliIo & { stdout: MemoryStream; stderr: MemoryStream } {
  const stdin = Readable.from(opts.stdin === undefined ? [] : [opts.stdin]) as Readable & { isTTY?: boolean };
  if (opts.stdinIsTTY) stdin.isTTY = true;
  return {
    stdout: new MemoryStream(),
    stderr: new MemoryStream(),
    stdin,
    // A data dir nobody has, so no real management-token file is ever read.
    env: { LLM_PROXY_DATA_DIR: path.join(os.tmpdir(), 'llm-proxy-cli-test-no-such-dir'), ...opts.env },
    cwd: opts.cwd ?? process.cwd(),
    now: () => NOW,
  };
}

export async function run(argv: string[], opts: RunOptions = {}): Promise<RunResult> {
  const io = memoryIo(opts);
  const code = await runCli(argv, io, opts.deps);
  return { code, stdout: io.stdout.text, stderr: io.stderr.text };
}

export interface RecordedRequest {
  method: string;
  /** Path and query as sent. */
  url: string;
  pathname: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body, or undefined when there was none. */
  body: unknown;
}

export interface CannedAnswer {
  status?: number;
  body?: unknown;
  /** Sent as is instead of JSON. */
  raw?: string;
  headers?: Record<string, string>;
}

export interface FakeServer {
  url: string;
  requests: RecordedRequest[];
  /** The one request the test expects. */
  only(): RecordedRequest;
}

/** Answers `METHOD /path` (path without query) with canned JSON; anything else gets 404 JSON. */
export async function fakeManagementServer(routes: Record<string, CannedAnswer>): Promise<FakeServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        pathname: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        body: text === '' ? undefined : JSON.parse(text),
      });
      const answer = routes[`${req.method} ${url.pathname}`] ?? { status: 404, body: { error: 'Not found', code: 'not_found' } };
      const status = answer.status ?? 200;
      if (answer.raw !== undefined) {
        res.writeHead(status, answer.headers ?? { 'content-type': 'text/html' });
        res.end(answer.raw);
      } else if (answer.body === undefined) {
        res.writeHead(status, answer.headers);
        res.end();
      } else {
        res.writeHead(status, { 'content-type': 'application/json', ...answer.headers });
        res.end(JSON.stringify(answer.body));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    only() {
      if (requests.length !== 1) throw new Error(`expected one request, got ${requests.length}`);
      return requests[0]!;
    },
  };
}

/** A port that was free a moment ago and now refuses connections. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** A temp dir removed when the current test finishes. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'llm-proxy-cli-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

export const MGMT = 'mgmt-test-token-at-least-32-characters';

/** Connection flags for the fake server. */
export function at(server: FakeServer): string[] {
  return ['--url', server.url, '--management-token', MGMT];
}

export const PROJECT_ID = '01943f5a-0000-7000-8000-000000000001';
export const TOKEN_ID = '01943f5a-0000-7000-8000-0000000000a1';
export const EVENT_ID = '01943f5a-0000-7000-8000-0000000000e1';

export function sampleProject(overrides: Partial<ProjectView> = {}): ProjectView {
  return {
    id: PROJECT_ID,
    name: 'demo',
    provider: 'openai',
    base_url: 'https://api.openai.com',
    api_key: 'sk-…wxyz',
    key_count: 1,
    transformations: {},
    is_active: true,
    created_at: '2024-12-31T22:00:00.000Z',
    updated_at: '2024-12-31T23:00:00.000Z',
    deactivated_at: null,
    default_rpm_limit: null,
    default_tpm_limit: null,
    shared_rpm_limit: null,
    shared_tpm_limit: null,
    shared_limit_key: null,
    cache_default_ttl_seconds: null,
    cache_shared_across_tokens: true,
    prices: {},
    monthly_budget_usd: null,
    spend_usd: 0,
    month_spend_usd: 0,
    ...overrides,
  };
}

export const KEY_ID = '01943f5a-0000-7000-8000-0000000000b1';
export const KEY_ID_2 = '01943f5a-0000-7000-8000-0000000000b2';

export function sampleKey(overrides: Partial<UpstreamKeyView> = {}): UpstreamKeyView {
  return {
    id: KEY_ID,
    project_id: PROJECT_ID,
    label: 'default',
    key: 'sk-…wxyz',
    weight: 1,
    is_enabled: true,
    health: 'healthy',
    cooling_down_until: null,
    last_error: null,
    last_error_at: null,
    last_used_at: '2024-12-31T23:59:00.000Z',
    request_count: 12,
    failure_count: 1,
    prompt_tokens: 300,
    completion_tokens: 120,
    created_at: '2024-12-31T22:00:00.000Z',
    updated_at: '2024-12-31T22:00:00.000Z',
    ...overrides,
  };
}

export function sampleToken(overrides: Partial<TokenView> = {}): TokenView {
  return {
    id: TOKEN_ID,
    name: 'ci',
    token: 'llmp_…abcd',
    project_id: PROJECT_ID,
    expires_at: '2025-01-01T08:00:00.000Z',
    is_active: true,
    status: 'active',
    request_count: 3,
    max_requests: 100,
    allowed_models: ['gpt-4o-mini', 'o3*'],
    prompt_tokens: 120,
    completion_tokens: 45,
    cache_hit_count: 1,
    created_at: '2024-12-31T23:55:00.000Z',
    last_used_at: null,
    revoked_at: null,
    rpm_limit: null,
    tpm_limit: null,
    max_concurrent: null,
    max_budget_usd: null,
    spend_usd: 0,
    ...overrides,
  };
}

export function sampleAuditEvent(overrides: Partial<AuditEventView> = {}): AuditEventView {
  return {
    id: EVENT_ID,
    time: '2024-12-31T23:59:00.000Z',
    actor: 'management',
    action: 'token.create',
    outcome: 'success',
    target_type: 'token',
    target_id: TOKEN_ID,
    project_id: PROJECT_ID,
    token_id: TOKEN_ID,
    request_id: 'req-1',
    client_ip: '127.0.0.1',
    details: { duration_minutes: 480 },
    target_label: null,
    ...overrides,
  };
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI_BIN = path.join(root, 'bin', 'llm-proxy.js');

export interface CliProcess {
  child: ChildProcess;
  stdout: MemoryStream;
  stderr: MemoryStream;
  /** Resolves with the exit code and signal. */
  exited: Promise<[number | null, NodeJS.Signals | null]>;
}

/** The real `llm-proxy` command (or `script`, e.g. scripts/start.js) as a child process, killed when the test ends. */
export function spawnCli(args: string[], opts: { env?: NodeJS.ProcessEnv; script?: string } = {}): CliProcess {
  const child = spawn(process.execPath, [opts.script ?? CLI_BIN, ...args], {
    cwd: root,
    env: { ...process.env, ...opts.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const stdout = new MemoryStream();
  const stderr = new MemoryStream();
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => stdout.write(chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => stderr.write(chunk));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return { child, stdout, stderr, exited };
}
