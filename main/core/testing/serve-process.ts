// Runs `node bin/llm-proxy.js serve` as a separate process, the way several instances run in real life:
// for tests that must prove instances share nothing but Redis (or a data folder).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export interface ServeProcess {
  url: string;
  child: ChildProcess;
  /** Structured log lines (JSON on stderr) seen so far. */
  logs(): Record<string, unknown>[];
  /** Resolves with the first log line, past or future, that matches. */
  waitForLog(match: (line: Record<string, unknown>) => boolean, label?: string): Promise<Record<string, unknown>>;
  manage(method: string, urlPath: string, body?: unknown): Promise<{ status: number; json: any }>;
  stop(): Promise<void>;
}

export async function startServeProcess(opts: { dataDir: string; managementToken: string; args?: string[]; env?: NodeJS.ProcessEnv }): Promise<ServeProcess> {
  const args = [
    path.join(root, 'bin/llm-proxy.js'),
    'serve',
    '--port',
    '0',
    '--data-dir',
    opts.dataDir,
    '--management-token',
    opts.managementToken,
    '--log-level',
    'info',
    ...(opts.args ?? []),
  ];
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Record<string, unknown>[] = [];
  const waiters: { match: (line: Record<string, unknown>) => boolean; resolve: (line: Record<string, unknown>) => void }[] = [];
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    let newline: number;
    while ((newline = stderr.indexOf('\n')) !== -1) {
      const text = stderr.slice(0, newline);
      stderr = stderr.slice(newline + 1);
      let line: Record<string, unknown>;
      try {
        line = JSON.parse(text) as Record<string, unknown>;
      } catch {
        line = { msg: text };
      }
      lines.push(line);
      for (const waiter of waiters.splice(0)) {
        if (waiter.match(line)) waiter.resolve(line);
        else waiters.push(waiter);
      }
    }
  });

  let stdout = '';
  const exited = once(child, 'exit');
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const found = /LLM Proxy listening on (http:\/\/\S+)/.exec(stdout)?.[1];
      if (found) resolve(found);
    });
    void exited.then(([code]) =>
      reject(new Error(`serve exited with ${String(code)} before listening:\n${stdout}\n${lines.map((l) => JSON.stringify(l)).join('\n')}`)),
    );
  });

  return {
    url,
    child,
    logs: () => lines,
    waitForLog(match) {
      const seen = lines.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => waiters.push({ match, resolve }));
    },
    async manage(method, urlPath, body) {
      const res = await fetch(url + urlPath, {
        method,
        headers: { authorization: `Bearer ${opts.managementToken}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, json: text ? JSON.parse(text) : null };
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}
