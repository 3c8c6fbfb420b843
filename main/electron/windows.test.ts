import { describe, expect, it } from 'vitest';
import {
  hardenWebContents,
  isAppUrl,
  openInBrowser,
  isSafeExternalUrl,
  mainWindowOptions,
  permissionAllowed,
  RENDERER_ENTRY_URL,
  type HardenableContents,
} from './windows.ts';

/** Records what hardenWebContents registers, so each rule can be exercised like Electron would. */
function standInContents() {
  const listeners = new Map<string, (...args: any[]) => void>();
  let windowOpen: ((details: { url: string }) => { action: string }) | undefined;
  let permissionRequest: ((wc: unknown, permission: string, cb: (ok: boolean) => void, details: { requestingUrl?: string }) => void) | undefined;
  let permissionCheck: ((wc: unknown, permission: string, origin: string) => boolean) | undefined;
  const contents = {
    on(event: string, listener: (...args: any[]) => void) {
      listeners.set(event, listener);
      return contents;
    },
    setWindowOpenHandler(handler: typeof windowOpen) {
      windowOpen = handler;
    },
    session: {
      setPermissionRequestHandler(handler: typeof permissionRequest) {
        permissionRequest = handler;
      },
      setPermissionCheckHandler(handler: typeof permissionCheck) {
        permissionCheck = handler;
      },
    },
  };
  const opened: string[] = [];
  hardenWebContents(contents as unknown as HardenableContents, {
    openInBrowser: async (url) => {
      opened.push(url);
    },
  });
  const fire = (event: string, ...args: unknown[]) => {
    let prevented = false;
    const e = { preventDefault: () => (prevented = true), url: args[0] };
    listeners.get(event)?.(e, ...args);
    return prevented;
  };
  return {
    opened,
    fire,
    openWindow: (url: string) => windowOpen?.({ url }),
    request(permission: string, requestingUrl?: string) {
      let answer: boolean | undefined;
      permissionRequest?.(null, permission, (ok) => (answer = ok), { requestingUrl });
      return answer;
    },
    check: (permission: string, origin: string) => permissionCheck?.(null, permission, origin),
  };
}

describe('window options', () => {
  it('isolate and sandbox the page, with no Node and no webview', () => {
    const options = mainWindowOptions({ preloadPath: '/app/preload/index.cjs' });
    expect(options.webPreferences).toMatchObject({
      preload: '/app/preload/index.cjs',
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
      disableBlinkFeatures: 'Auxclick',
    });
    expect(options.show).toBe(false);
    expect(options.webPreferences).not.toHaveProperty('enableBlinkFeatures');
  });

  it('the app pages are app://llm-proxy/ only', () => {
    expect(isAppUrl(RENDERER_ENTRY_URL)).toBe(true);
    expect(isAppUrl('app://llm-proxy/index.html#/tokens?project=1')).toBe(true);
    for (const url of [
      'app://evil/index.html',
      'http://127.0.0.1:8484/admin/',
      'file:///index.html',
      'https://llm-proxy/',
      'app://user:pw@llm-proxy/',
      'not a url',
    ]) {
      expect(isAppUrl(url), url).toBe(false);
    }
  });

  it('openInBrowser hands only https links to the OS', async () => {
    const opened: string[] = [];
    const shell = { openExternal: async (url: string) => void opened.push(url) };
    expect(await openInBrowser(shell, 'https://example.com/a')).toBe(true);
    expect(await openInBrowser(shell, 'file:///etc/passwd')).toBe(false);
    expect(await openInBrowser(shell, 'ms-settings:privacy')).toBe(false);
    expect(opened).toEqual(['https://example.com/a']);
  });

  it('only https links without credentials may open in the OS browser', () => {
    expect(isSafeExternalUrl('https://platform.openai.com/api-keys')).toBe(true);
    for (const url of ['http://example.com', 'file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'https://user:pw@example.com/', '']) {
      expect(isSafeExternalUrl(url), url).toBe(false);
    }
  });
});

describe('web contents rules', () => {
  it('deny navigation away from the app, sending https links to the OS browser', () => {
    const c = standInContents();
    expect(c.fire('will-navigate', 'app://llm-proxy/index.html#/audit')).toBe(false);
    expect(c.fire('will-navigate', 'https://example.com/docs')).toBe(true);
    expect(c.fire('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(c.opened).toEqual(['https://example.com/docs']);
    expect(c.fire('will-frame-navigate', 'https://example.com/frame')).toBe(true);
    expect(c.fire('will-redirect', 'https://example.com/elsewhere')).toBe(true);
    expect(c.fire('will-attach-webview')).toBe(true);
  });

  it('deny every new window; https targets go to the OS browser instead', () => {
    const c = standInContents();
    expect(c.openWindow('https://example.com/help')).toEqual({ action: 'deny' });
    expect(c.openWindow('http://example.com/')).toEqual({ action: 'deny' });
    expect(c.openWindow('app://llm-proxy/index.html')).toEqual({ action: 'deny' });
    expect(c.opened).toEqual(['https://example.com/help']);
  });

  it('deny permissions, except clipboard writes by the app itself', () => {
    const c = standInContents();
    for (const permission of ['media', 'geolocation', 'notifications', 'openExternal', 'clipboard-read', 'hid']) {
      expect(c.request(permission, 'app://llm-proxy/index.html'), permission).toBe(false);
    }
    expect(c.request('clipboard-sanitized-write', 'app://llm-proxy/index.html')).toBe(true);
    expect(c.request('clipboard-sanitized-write', 'https://example.com/')).toBe(false);
    expect(c.request('clipboard-sanitized-write')).toBe(false);
    expect(c.check('clipboard-sanitized-write', 'app://llm-proxy')).toBe(true);
    expect(c.check('media', 'app://llm-proxy')).toBe(false);
    expect(permissionAllowed('clipboard-sanitized-write', 'http://127.0.0.1:8484/admin/')).toBe(false);
  });
});
