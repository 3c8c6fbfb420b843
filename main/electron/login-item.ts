// "Start at login". macOS and Windows have it in Electron (setLoginItemSettings); on Linux it is an XDG
// autostart entry (~/.config/autostart/llm-proxy.desktop). A start at login passes --hidden, so the app
// comes up in the tray without opening its window.
import fs from 'node:fs';
import path from 'node:path';

export const HIDDEN_FLAG = '--hidden';
export const AUTOSTART_FILE = 'llm-proxy.desktop';

export interface LoginItem {
  isEnabled(): boolean;
  setEnabled(enabled: boolean): void;
}

export interface LoginItemOptions {
  platform: NodeJS.Platform;
  /** Electron's app (macOS, Windows). */
  app: {
    getLoginItemSettings(): { openAtLogin: boolean };
    setLoginItemSettings(settings: { openAtLogin: boolean; args?: string[] }): void;
  };
  /** Linux: the autostart folder ($XDG_CONFIG_HOME/autostart) and what to run (the AppImage path when packaged as one). */
  linux: { autostartDir: string; command: string[] };
}

export function createLoginItem(opts: LoginItemOptions): LoginItem {
  if (opts.platform !== 'linux') {
    return {
      isEnabled: () => opts.app.getLoginItemSettings().openAtLogin,
      setEnabled: (enabled) => opts.app.setLoginItemSettings({ openAtLogin: enabled, args: [HIDDEN_FLAG] }),
    };
  }
  const file = path.join(opts.linux.autostartDir, AUTOSTART_FILE);
  return {
    isEnabled: () => fs.existsSync(file),
    setEnabled(enabled) {
      if (!enabled) {
        fs.rmSync(file, { force: true });
        return;
      }
      fs.mkdirSync(opts.linux.autostartDir, { recursive: true });
      fs.writeFileSync(file, autostartEntry([...opts.linux.command, HIDDEN_FLAG]));
    },
  };
}

/** A desktop entry per the XDG Desktop Entry spec (Exec arguments quoted and escaped). */
export function autostartEntry(command: string[]): string {
  const exec = command.map(quoteExecArg).join(' ');
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=LLM Proxy',
    'Comment=Keeps your LLM API keys and hands out short-lived tokens',
    `Exec=${exec}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

function quoteExecArg(arg: string): string {
  const escaped = arg.replace(/[\\"`$]/g, (c) => `\\${c}`).replace(/%/g, '%%');
  return /^[\w./:=+-]+$/.test(arg) ? escaped : `"${escaped}"`;
}

/** Default autostart folder for the current user. */
export function xdgAutostartDir(env: NodeJS.ProcessEnv, home: string): string {
  return path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), 'autostart');
}
