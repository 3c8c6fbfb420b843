// Starts the real headless server (`llm-proxy serve`) on a free port with its own data folder and a
// random management token, and waits for its "listening" line.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

export interface RunningServer {
  url: string;
  managementToken: string;
  dataDir: string;
  /** Everything the server printed, for failure messages. */
  output: () => string;
  stop(): Promise<void>;
  /** Stops the process but keeps its data folder (the server "goes away"). */
  pause(): Promise<void>;
  /** Starts it again on the same port, data folder and management token. */
  resume(): Promise<void>;
}

const REPO = path.resolve(import.meta.dirname, '../..');
const LISTENING = /LLM Proxy listening on (http:\/\/\S+)/;

export async function startServer(extraArgs: string[] = []): Promise<RunningServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmp-e2e-'));
  const managementToken = `e2e-mgmt-${randomBytes(18).toString('base64url')}`;
  let output = '';
  let current: ChildProcess | null = null;
  const launch = async (port: string) => {
    const child = spawn(
      process.execPath,
      [
        'bin/llm-proxy.js',
        'serve',
        '--port',
        port,
        '--data-dir',
        dataDir,
        '--management-token',
        managementToken,
        '--usage-flush-ms',
        '50',
        '--log-level',
        'warn',
        ...extraArgs,
      ],
      { cwd: REPO, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    // Tracked at once, so a stop() during a resume still ends the new process.
    current = child;
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout });
      lines.on('line', (line) => {
        output += line + '\n';
        const match = LISTENING.exec(line);
        if (match?.[1]) resolve(match[1]);
      });
      child.once('exit', (code) => reject(new Error(`llm-proxy serve exited with ${code} before listening:\n${output}`)));
      child.once('error', reject);
    });
    return url;
  };

  let url = await launch('0');
  return {
    url,
    managementToken,
    dataDir,
    output: () => output,
    stop: async () => {
      if (current) await stopProcess(current);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
    pause: async () => {
      if (current) await stopProcess(current);
    },
    resume: async () => {
      url = await launch(new URL(url).port);
    },
  };
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    await exited;
  }
}

/** The test machine's own LLM_PROXY_* settings must not leak into the server under test. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('LLM_PROXY_')) delete env[key];
  return env;
}
