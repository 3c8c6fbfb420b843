// The desktop composition root: Electron in, the core started, the shell's pieces wired together. Every
// decision lives in the modules imported here (tested without Electron); this file only connects them.
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { app, clipboard, nativeTheme, protocol, safeStorage, shell } from 'electron';
import Store from 'electron-store';
import { startApp } from '../core/app.ts';
import { loadSettings } from '../core/config/settings.ts';
import { settingSources } from '../core/config/setting-sources.ts';
import { loadDesktopDataKey } from './data-key-sealing.ts';
import { createIpcRouter } from './ipc-router.ts';
import { keychainPort } from './keychain-port.ts';
import { registerIpcHandlers } from './ipc.ts';
import { createLoginItem, HIDDEN_FLAG, xdgAutostartDir } from './login-item.ts';
import { createMainWindow } from './main-window.ts';
import { createPreferences } from './preferences.ts';
import { createProxyController } from './proxy-controller.ts';
import { confirmPlainKeyFile, notify, showStartFailure } from './prompts.ts';
import { rendererResponse } from './renderer-protocol.ts';
import { quitGracefully } from './shutdown.ts';
import { createTrayActions } from './tray-actions.ts';
import { createTrayStatus } from './tray-status.ts';
import { createTrayView } from './tray.ts';
import { APP_SCHEME, hardenWebContents, openInBrowser } from './windows.ts';

/** Built layout: dist/electron/main/index.js beside dist/electron/preload and dist/electron/icons, and dist/renderer. */
const builtPath = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));
const PATHS = {
  preload: builtPath('../preload/index.cjs'),
  renderer: builtPath('../../renderer/'),
  trayIcon: builtPath(process.platform === 'darwin' ? '../icons/trayTemplate.png' : '../icons/tray.png'),
  appIcon: builtPath('../icons/icon.png'),
};
/** Traffic shows up in "Requests today" within this long; changes made in the app show up at once. */
const TRAY_REFRESH_MS = 15_000;

const keychain = keychainPort(safeStorage);

// Tests and side-by-side profiles point the desktop preferences somewhere else; must happen before ready.
if (process.env.LLM_PROXY_USER_DATA_DIR) app.setPath('userData', process.env.LLM_PROXY_USER_DATA_DIR);
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

if (!app.requestSingleInstanceLock()) {
  // A second launch: the first instance shows its window (see 'second-instance').
  app.quit();
} else {
  app.whenReady().then(onReady).catch(showStartFailure);
}

async function onReady(): Promise<void> {
  const prefs = createPreferences(new Store<Record<string, unknown>>({ name: 'preferences' }));
  nativeTheme.themeSource = prefs.read().theme;
  // An explicit LLM_PROXY_PORT (or any other core setting from env or config file) still wins.
  const settings = loadSettings({ env: { LLM_PROXY_PORT: String(prefs.read().port), ...process.env } });
  // Loaded (and asked about) before the proxy starts; handed to the core as is, never as a settings string.
  const dataKey = await loadDesktopDataKey({
    dataDir: settings.dataDir,
    safeStorage: keychain,
    platform: process.platform,
    encryptionKey: settings.encryptionKey,
    confirmPlainKeyFile: (reason) => confirmPlainKeyFile(prefs, reason, settings.dataDir),
  });
  // Settings changed from the Settings screen live in the core's store (sealed with this data key); env vars lock theirs.
  const controller = createProxyController({
    start: () => startApp(settings, { dataKey: { load: async () => dataKey }, settingSources: settingSources({ env: process.env }) }),
  });

  protocol.handle(APP_SCHEME, (request) => rendererResponse(PATHS.renderer, request.url, request.method));
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, { openInBrowser: (url) => openInBrowser(shell, url) }));
  const window = createMainWindow({ preloadPath: PATHS.preload, iconPath: PATHS.appIcon });
  const loginItem = createLoginItem({
    platform: process.platform,
    app,
    linux: { autostartDir: xdgAutostartDir(process.env, os.homedir()), command: [process.env.APPIMAGE ?? process.execPath] },
  });

  // Clicks reach runAction (declared below) only after everything here is wired.
  const trayView = createTrayView(PATHS.trayIcon, (action) => void runAction(action));
  const status = createTrayStatus({ controller, startAtLogin: () => loginItem.isEnabled(), onState: (state) => trayView.render(state) });
  const runAction = createTrayActions({
    controller,
    clipboard,
    notify,
    showWindow: () => window.show(),
    quit: () => app.quit(),
    startAtLogin: {
      isEnabled: () => loginItem.isEnabled(),
      setEnabled: (enabled) => {
        loginItem.setEnabled(enabled);
        prefs.update({ startAtLogin: enabled });
      },
    },
    tokenMinutes: () => prefs.read().trayTokenMinutes,
    changed: () => {
      status.refreshPreferences();
      void status.refresh();
    },
  });

  const unregisterIpc = registerIpcHandlers(
    createIpcRouter({
      call: (method, input) => controller.call(method, input),
      onChanged: () => void status.refresh(),
      onUnexpectedError: (channel, err) => console.error(`IPC ${channel} failed:`, err),
    }),
  );
  const timer = setInterval(() => void status.refresh(), TRAY_REFRESH_MS);
  controller.onChange((next) => {
    if (next.state === 'failed') notify('LLM Proxy is not running', next.message);
  });

  app.on('second-instance', () => window.show());
  // Closing the window keeps the app in the tray; only Quit ends it.
  app.on('window-all-closed', () => undefined);
  quitGracefully(app, controller, window, () => {
    clearInterval(timer);
    unregisterIpc();
    status.dispose();
    trayView.destroy();
  });

  await controller.start();
  // Started at login: stay in the tray (Windows and Linux pass --hidden; macOS says so itself).
  const atLogin = process.argv.includes(HIDDEN_FLAG) || (process.platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin);
  if (!atLogin) window.show();
}
