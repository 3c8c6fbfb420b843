// The one app window: created on first use, hidden (not closed) when the user closes it so the app
// stays in the tray, shown and focused again from the tray or by a second launch.
import { BrowserWindow } from 'electron';
import { mainWindowOptions, RENDERER_ENTRY_URL } from './windows.ts';

export interface MainWindow {
  show(): void;
  /** Lets the window really close (quitting). */
  allowClose(): void;
}

export function createMainWindow(opts: { preloadPath: string; iconPath?: string }): MainWindow {
  let window: BrowserWindow | null = null;
  let closing = false;

  const create = () => {
    // The scanner cannot follow the options into mainWindowOptions() (TypeScript); windows.test.ts and
    // security-scan.test.ts check them there, and that this is the only window the app creates.
    const win = new BrowserWindow(mainWindowOptions(opts)); // eng-disable CONTEXT_ISOLATION_JS_CHECK SANDBOX_JS_CHECK AUXCLICK_JS_CHECK
    win.on('close', (event) => {
      if (closing) return;
      event.preventDefault();
      win.hide();
    });
    win.on('closed', () => {
      window = null;
    });
    win.once('ready-to-show', () => win.show());
    void win.loadURL(RENDERER_ENTRY_URL);
    return win;
  };

  return {
    show() {
      if (!window || window.isDestroyed()) {
        window = create();
        return;
      }
      if (window.isMinimized()) window.restore();
      window.show();
      window.focus();
    },
    allowClose() {
      closing = true;
    },
  };
}
