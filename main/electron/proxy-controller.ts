// The proxy's lifecycle on the desktop: start, pause (the core closes: in-flight requests drain, usage
// and audit rows are flushed, the database is closed), resume (the core starts again), stop on quit.
// Transitions run one at a time, so a double click on Pause or Quit during a start cannot interleave.
import type { AdminMethod, OutputOf } from '../core/api/contract.ts';
import type { RunningApp } from '../core/app.ts';
import { ShellError } from './shell-errors.ts';

export type ControllerStatus =
  | { state: 'starting' }
  | { state: 'running'; url: string; adminUrl: string }
  | { state: 'paused' }
  | { state: 'stopping' }
  | { state: 'stopped' }
  | { state: 'failed'; message: string };

/** The part of RunningApp the shell uses. */
export type ProxyApp = Pick<RunningApp, 'url' | 'adminUrl' | 'call' | 'close'>;

export interface ProxyControllerDeps {
  start(): Promise<ProxyApp>;
  /** Turns a start failure into one line for the tray and a notification. */
  describeStartFailure?(err: unknown): string;
}

export interface ProxyController {
  status(): ControllerStatus;
  onChange(listener: (status: ControllerStatus) => void): () => void;
  start(): Promise<void>;
  pause(): Promise<void>;
  /** Starts again after a pause or a failed start. */
  resume(): Promise<void>;
  /** For quitting: closes the core for good. */
  stop(): Promise<void>;
  call<M extends AdminMethod>(method: M, input: unknown): Promise<OutputOf<M>>;
}

export function createProxyController(deps: ProxyControllerDeps): ProxyController {
  let status: ControllerStatus = { state: 'starting' };
  let app: ProxyApp | null = null;
  let queue: Promise<void> = Promise.resolve();
  const listeners = new Set<(status: ControllerStatus) => void>();
  const describe = deps.describeStartFailure ?? defaultStartFailure;

  const set = (next: ControllerStatus) => {
    status = next;
    for (const listener of listeners) listener(next);
  };

  /** Runs transitions in order; a failing one does not block the next. */
  const serial = (step: () => Promise<void>): Promise<void> => {
    const run = queue.then(step);
    queue = run.catch(() => undefined);
    return run;
  };

  const startNow = async () => {
    if (app || status.state === 'stopped') return;
    set({ state: 'starting' });
    try {
      app = await deps.start();
      set({ state: 'running', url: app.url, adminUrl: app.adminUrl });
    } catch (err) {
      set({ state: 'failed', message: describe(err) });
    }
  };

  const closeNow = async (after: ControllerStatus) => {
    const closing = app;
    app = null;
    if (closing) {
      set({ state: 'stopping' });
      await closing.close();
    }
    set(after);
  };

  return {
    status: () => status,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    start: () => serial(startNow),
    resume: () => serial(startNow),
    pause: () =>
      serial(async () => {
        if (status.state === 'stopped') return;
        await closeNow({ state: 'paused' });
      }),
    stop: () => serial(() => closeNow({ state: 'stopped' })),
    async call(method, input) {
      if (!app || status.state !== 'running') {
        if (status.state === 'starting') throw new ShellError('proxy_starting', 'The proxy is still starting: try again in a moment.');
        if (status.state === 'failed')
          throw new ShellError('proxy_stopped', `The proxy is not running: ${status.message} Start it again from the LLM Proxy tray menu.`);
        throw new ShellError('proxy_paused', 'The proxy is paused: resume it from the LLM Proxy tray menu.');
      }
      return app.call(method, input);
    },
  };
}

function defaultStartFailure(err: unknown): string {
  const code = (err as { code?: unknown })?.code;
  if (code === 'EADDRINUSE') return 'The port is in use by another program: pick another port or stop that program.';
  if (code === 'EACCES') return 'The port cannot be used without extra rights: pick a port above 1024.';
  const message = err instanceof Error ? err.message : String(err);
  return message.length > 200 ? `${message.slice(0, 199)}…` : message;
}
