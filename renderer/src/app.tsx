// The window: sign-in when needed, otherwise the sidebar and the screen the hash names.
import { useEffect } from 'react';
import { currentTransport } from './api/index.ts';
import { Notices } from './components/notices.tsx';
import { OfflineBanner } from './components/offline-banner.tsx';
import { Sidebar } from './components/sidebar.tsx';
import { startClock } from './lib/clock.ts';
import { screensFor } from './lib/permissions.ts';
import { listenToHash, navigate, useRoute, type Screen } from './lib/router.ts';
import { AdminsScreen } from './screens/admins.tsx';
import { AuditScreen } from './screens/audit.tsx';
import { CacheScreen } from './screens/cache.tsx';
import { DashboardScreen } from './screens/dashboard.tsx';
import { ProjectsScreen } from './screens/projects.tsx';
import { RequestsScreen } from './screens/requests.tsx';
import { SettingsScreen } from './screens/settings.tsx';
import { SignIn } from './screens/sign-in.tsx';
import { TokensScreen } from './screens/tokens.tsx';
import { refreshOnReconnect } from './stores/reconnect.ts';
import { useMe } from './stores/me.ts';
import { useSession } from './stores/session.ts';
import { useSystem } from './stores/system.ts';

const SCREENS: Record<Screen, () => React.JSX.Element> = {
  dashboard: DashboardScreen,
  projects: ProjectsScreen,
  tokens: TokensScreen,
  requests: RequestsScreen,
  cache: CacheScreen,
  audit: AuditScreen,
  settings: SettingsScreen,
  admins: AdminsScreen,
};

const TITLES: Record<Screen, string> = {
  dashboard: 'Dashboard',
  projects: 'Projects',
  tokens: 'Tokens',
  requests: 'Requests',
  cache: 'Cache',
  audit: 'Audit',
  settings: 'Settings',
  admins: 'Admins',
};

export function App() {
  const status = useSession((s) => s.status);
  const screen = useRoute((s) => s.screen);
  const me = useMe((s) => s.me);
  const allowed = screensFor(me);
  // A screen the role may not see (an operator's default Dashboard, a pasted #/admins) leads to the first one it may.
  const shown = allowed.includes(screen) ? screen : (allowed[0] ?? screen);
  useEffect(() => {
    if (status === 'signed-in' && shown !== screen) navigate(shown);
  }, [status, shown, screen]);
  useEffect(() => listenToHash(), []);
  useEffect(() => startClock(), []);
  useEffect(() => refreshOnReconnect(), []);
  useEffect(() => {
    document.title = status === 'signed-in' ? `${TITLES[shown]} · LLM Proxy` : 'Sign in · LLM Proxy';
  }, [status, shown]);
  // The desktop window is signed in from the start; fetch the server facts once (sign-in does it over HTTP).
  useEffect(() => {
    if (!currentTransport().needsSignIn && useSystem.getState().status === 'idle') void useSystem.getState().load();
    if (!currentTransport().needsSignIn)
      void useMe
        .getState()
        .load()
        .catch(() => undefined);
  }, []);

  if (status !== 'signed-in') {
    return (
      <>
        <SignIn />
        <Notices />
      </>
    );
  }
  const Current = SCREENS[shown];
  return (
    <div className="shell">
      <Sidebar current={shown} />
      <main className="content" id="content" tabIndex={-1}>
        <OfflineBanner />
        <Current key={shown} />
      </main>
      <Notices />
    </div>
  );
}
