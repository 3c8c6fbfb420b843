// Hash routes (#/tokens?project=…): they work at /admin/ over HTTP and from a custom protocol in the
// desktop window alike, and need nothing from the server.
import { create } from 'zustand';

export const SCREENS = ['dashboard', 'projects', 'tokens', 'requests', 'cache', 'audit', 'settings', 'admins'] as const;
export type Screen = (typeof SCREENS)[number];

export interface Route {
  screen: Screen;
  params: Record<string, string>;
}

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#\/?/, '');
  const [path = '', query = ''] = raw.split('?');
  const screen = (SCREENS as readonly string[]).includes(path) ? (path as Screen) : 'dashboard';
  const params: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(query)) if (value) params[key] = value;
  return { screen, params };
}

export function hrefFor(screen: Screen, params: Record<string, string | undefined> = {}): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) query.set(key, value);
  const q = query.toString();
  return `#/${screen}${q ? `?${q}` : ''}`;
}

export const useRoute = create<Route>(() => (typeof location === 'undefined' ? { screen: 'dashboard', params: {} } : parseHash(location.hash)));

export function navigate(screen: Screen, params: Record<string, string | undefined> = {}): void {
  const href = hrefFor(screen, params);
  if (typeof location !== 'undefined' && location.hash !== href) location.hash = href;
  else useRoute.setState(parseHash(href));
}

export function listenToHash(): () => void {
  const onChange = () => useRoute.setState(parseHash(location.hash));
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}
