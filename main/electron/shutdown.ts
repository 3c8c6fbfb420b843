// Quitting waits for the core to close: in-flight requests drain, batched usage and audit rows are
// written, the database closes. Then the app really quits. Ctrl-C and SIGTERM take the same path.
import type { Event } from 'electron';
import type { ProxyController } from './proxy-controller.ts';

export interface QuittableApp {
  on(event: 'before-quit', listener: (event: Event) => void): unknown;
  quit(): void;
}

export function quitGracefully(
  app: QuittableApp,
  controller: Pick<ProxyController, 'stop'>,
  window: { allowClose(): void },
  cleanup: () => void,
  signals: { on(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown } = process,
): void {
  let closed = false;
  let closing = false;
  app.on('before-quit', (event) => {
    window.allowClose();
    if (closed) return;
    event.preventDefault();
    if (closing) return;
    closing = true;
    void controller
      .stop()
      .catch((err: unknown) => console.error('Closing the proxy failed:', err))
      .finally(() => {
        closed = true;
        cleanup();
        app.quit();
      });
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) signals.on(signal, () => app.quit());
}
