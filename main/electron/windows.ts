// The security baseline for every window: hardened BrowserWindow options (one exported function) and
// the web-contents rules: no navigation away from the app, no new windows, no permissions beyond copying
// to the clipboard, and only https links handed to the OS browser.
import type { BrowserWindowConstructorOptions, Event, HandlerDetails, Session, Shell, WebContents, WindowOpenHandlerResponse } from 'electron';

/** The renderer is served from this privileged custom scheme, never from file:// or the local HTTP server. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'llm-proxy';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const RENDERER_ENTRY_URL = `${APP_ORIGIN}/index.html`;

export function mainWindowOptions(opts: { preloadPath: string; iconPath?: string }): BrowserWindowConstructorOptions {
  return {
    width: 1200,
    height: 800,
    // The screens fold down to a phone's width (the sidebar becomes a menu), so the window may be as narrow.
    minWidth: 360,
    minHeight: 480,
    title: 'LLM Proxy',
    // Shown once the first paint is ready (no white flash), or never when started at login.
    show: false,
    autoHideMenuBar: true,
    ...(opts.iconPath ? { icon: opts.iconPath } : {}),
    webPreferences: {
      preload: opts.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      // Middle-click would open links in new windows; those are denied anyway, this stops the attempt.
      disableBlinkFeatures: 'Auxclick',
    },
  };
}

/** True for the app's own pages (app://llm-proxy/…). Compared by scheme and host: WHATWG URLs give a
 * custom scheme an opaque origin ("null"), so `.origin` cannot tell app pages from any other. */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST && !parsed.username && !parsed.password;
  } catch {
    return false;
  }
}

/** Only https links without credentials leave the app, and only to the OS browser. */
export function isSafeExternalUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' && !parsed.username && !parsed.password;
  } catch {
    return false;
  }
}

/** The one permission the screens use: writing to the clipboard (the copy buttons). */
const ALLOWED_PERMISSIONS = new Set(['clipboard-sanitized-write']);

/** Permission requests: denied unless the app's own top page asks for an allowed one. */
export function permissionAllowed(permission: string, requestingUrl: string | undefined): boolean {
  return ALLOWED_PERMISSIONS.has(permission) && requestingUrl !== undefined && isAppUrl(requestingUrl);
}

/** The only way out of the app to the OS browser: https links, nothing else. */
export async function openInBrowser(shell: Pick<Shell, 'openExternal'>, url: string): Promise<boolean> {
  if (!isSafeExternalUrl(url)) return false;
  await shell.openExternal(url); // eng-disable OPEN_EXTERNAL_JS_CHECK (only https URLs get here: isSafeExternalUrl above)
  return true;
}

export interface HardeningPorts {
  /** openInBrowser(shell, url) in the app; it refuses anything but https. */
  openInBrowser(url: string): Promise<unknown>;
}

/** The part of WebContents the rules touch (a stand-in in tests). */
export type HardenableContents = Pick<WebContents, 'on' | 'setWindowOpenHandler'> & {
  session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>;
};

export function hardenWebContents(contents: HardenableContents, ports: HardeningPorts): void {
  const leave = (event: Event, url: string) => {
    if (isAppUrl(url)) return;
    event.preventDefault();
    if (isSafeExternalUrl(url)) void ports.openInBrowser(url).catch(() => undefined);
  };
  contents.on('will-navigate', (event, url) => leave(event, url));
  contents.on('will-frame-navigate', (event) => {
    if (!isAppUrl(event.url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler((details: HandlerDetails): WindowOpenHandlerResponse => {
    if (isSafeExternalUrl(details.url)) void ports.openInBrowser(details.url).catch(() => undefined);
    return { action: 'deny' };
  });
  contents.session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(permissionAllowed(permission, details.requestingUrl));
  });
  contents.session.setPermissionCheckHandler((_contents, permission, requestingOrigin) => permissionAllowed(permission, requestingOrigin));
}
