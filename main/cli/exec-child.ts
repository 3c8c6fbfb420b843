// Runs the command `llm-proxy exec` wraps: the terminal (stdin, stdout, stderr) is the child's, signals
// sent to `exec` reach the child, and the outcome is the child's exit code (128 + n when signal n ended
// it, 127 / 126 when it could not start, as a shell says).
import { spawn } from 'node:child_process';
import os from 'node:os';

export type ChildOutcome =
  { kind: 'exited'; code: number } | { kind: 'signalled'; signal: NodeJS.Signals; code: number } | { kind: 'not-started'; code: number; reason: string };

/** Sent by someone to `exec` itself: passed on. */
const FORWARDED: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGHUP', 'SIGUSR1', 'SIGUSR2'];
/**
 * A terminal sends these to the whole foreground process group, child included: passing them on
 * would deliver them twice (a tool that reads one Ctrl-C as "interrupt" and two as "quit" would quit).
 * Without a terminal nobody else sends them to the child, so they are passed on.
 */
const FROM_TERMINAL: readonly NodeJS.Signals[] = ['SIGINT', 'SIGQUIT'];

const signalNumber = (signal: NodeJS.Signals) => os.constants.signals[signal] ?? 0;

export function runChild(command: string, args: readonly string[], env: NodeJS.ProcessEnv, cwd: string): Promise<ChildOutcome> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'inherit', env, cwd });
    const interactive = process.stdin.isTTY === true;
    const handlers = new Map<NodeJS.Signals, () => void>();
    for (const signal of [...FORWARDED, ...FROM_TERMINAL]) {
      const passOn = FORWARDED.includes(signal) || !interactive;
      // Listening also keeps `exec` alive until the child is gone, so its token is revoked.
      const handler = () => {
        if (passOn && child.exitCode === null && child.signalCode === null) child.kill(signal);
      };
      handlers.set(signal, handler);
      process.on(signal, handler);
    }
    const settle = (outcome: ChildOutcome) => {
      for (const [signal, handler] of handlers) process.off(signal, handler);
      resolve(outcome);
    };
    child.once('error', (err: NodeJS.ErrnoException) => {
      // 'error' without a pid: the command never ran. (After a start, 'exit' follows and says how it ended.)
      if (child.pid !== undefined) return;
      settle({ kind: 'not-started', code: err.code === 'ENOENT' ? 127 : 126, reason: err.code ?? err.message });
    });
    child.once('exit', (code, signal) => {
      if (signal) settle({ kind: 'signalled', signal, code: 128 + signalNumber(signal) });
      else settle({ kind: 'exited', code: code ?? 1 });
    });
  });
}
