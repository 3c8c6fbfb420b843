// The window: sign-in when needed, otherwise the sidebar and the screen the hash names.
import { useEffect } from 'react';
import { currentTransport } from './api/index.ts';
import { Notices } from './components/notices.tsx';
import { OfflineBanner } from './components/offline-banner.tsx';
import { Sidebar } from './components/sidebar.tsx';
import { startClock } from './lib/clock.ts';
import { listenToHash, useRoute, type Screen } from './lib/router.ts';
import { AuditScreen } from './screens/audit.tsx';
import { CacheScreen } from './screens/cache.tsx';
import { DashboardScreen } from './screens/dashboard.tsx';
import { ProjectsScreen } from './screens/projects.tsx';
import { SettingsScreen } from './screens/settings.tsx';
import { SignIn } from './screens/sign-in.tsx';
import { TokensScreen } from './screens/tokens.tsx';
import { refreshOnReconnect } from './stores/reconnect.ts';
import { useSession } from './stores/session.ts';
import { useSystem } from './stores/system.ts';

const SCREENS: Record<Screen, () => React.JSX.Element> = {
  dashboard: DashboardScreen,
  projects: ProjectsScreen,
  tokens: TokensScreen,
  cache: CacheScreen,
  audit: AuditScreen,
  settings: SettingsScreen,
};

const TITLES: Record<Screen, string> = { dashboard: 'Dashboard', projects: 'Projects', tokens: 'Tokens', cache: 'Cache', audit: 'Audit', settings: 'Settings' };

export function App() {
  const status = useSession((s) => s.status);
  const screen = useRoute((s) => s.screen);
  useEffect(() => listenToHash(), []);
  useEffect(() => startClock(), []);
  useEffect(() => refreshOnReconnect(), []);
  useEffect(() => {
    document.title = status === 'signed-in' ? `${TITLES[screen]} · LLM Proxy` : 'Sign in · LLM Proxy';
  }, [status, screen]);
  // The desktop window is signed in from the start; fetch the server facts once (sign-in does it over HTTP).
  useEffect(() => {
    if (!currentTransport().needsSignIn && useSystem.getState().status === 'idle') void useSystem.getState().load();
  }, []);

  if (status !== 'signed-in') {
    return (
      <>
        <SignIn />
        <Notices />
      </>
    );
  }
  const Current = SCREENS[screen];
  return (
    <div className="shell">
      <Sidebar current={screen} />
      <main className="content" id="content" tabIndex={-1}>
        <OfflineBanner />
        <Current key={screen} />
      </main>
      <Notices />
    </div>
  );
}
