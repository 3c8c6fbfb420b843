// Starts benchmark participants as separate processes, each printing its URL when ready.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface Participant {
  url: string;
  child: ChildProcess;
}

export function startProcess(args: string[], readyPattern: RegExp, env: NodeJS.ProcessEnv = {}): Promise<Participant> {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = readyPattern.exec(out);
      if (match?.[1]) resolve({ url: match[1], child });
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code} before it was ready:\n${out}`)));
  });
}

export function startTsProcess(file: string, extraArgs: string[] = []): Promise<Participant> {
  return startProcess(['bin/run-ts.js', file, ...extraArgs], /(http:\/\/127\.0\.0\.1:\d+)/);
}
