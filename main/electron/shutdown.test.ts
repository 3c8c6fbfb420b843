import { describe, expect, it } from 'vitest';
import { quitGracefully, type QuittableApp } from './shutdown.ts';

function setup(stop: () => Promise<void>) {
  const log: string[] = [];
  let beforeQuit: ((e: { preventDefault(): void }) => void) | undefined;
  const signals = new Map<string, () => void>();
  const app = {
    on: (_event: string, listener: typeof beforeQuit) => (beforeQuit = listener),
    quit: () => {
      log.push('quit');
      // Electron emits before-quit again on every quit().
      const event = { prevented: false, preventDefault: () => (event.prevented = true) };
      beforeQuit?.(event);
      log.push(event.prevented ? 'held' : 'exit');
    },
  } as unknown as QuittableApp;
  quitGracefully(app, { stop: async () => (log.push('stop'), stop()) }, { allowClose: () => log.push('allowClose') }, () => log.push('cleanup'), {
    on: (signal, listener) => signals.set(signal, listener),
  });
  return { app, log, signals };
}

describe('graceful quit', () => {
  it('holds the quit until the core has closed, then quits for real', async () => {
    let release!: () => void;
    const { app, log } = setup(() => new Promise<void>((resolve) => (release = resolve)));
    app.quit();
    app.quit();
    expect(log).toEqual(['quit', 'allowClose', 'stop', 'held', 'quit', 'allowClose', 'held']);
    release();
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(log.slice(7)).toEqual(['cleanup', 'quit', 'allowClose', 'exit']);
  });

  it('quits even when closing the core fails', async () => {
    const { app, log } = setup(async () => {
      throw new Error('disk gone');
    });
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => errors.push(args);
    try {
      app.quit();
      await new Promise<void>((resolve) => setImmediate(resolve));
    } finally {
      console.error = original;
    }
    expect(log.at(-1)).toBe('exit');
    expect(errors).toHaveLength(1);
  });

  it('SIGINT and SIGTERM take the same path', () => {
    const { log, signals } = setup(async () => undefined);
    signals.get('SIGTERM')?.();
    expect(log.slice(0, 3)).toEqual(['quit', 'allowClose', 'stop']);
    expect([...signals.keys()]).toEqual(['SIGINT', 'SIGTERM']);
  });
});
