// Navigation between the screens, which server this is and whether it answers, and sign-out. Below the
// tablet breakpoint the list folds into a "Menu" button (CSS decides; the button is hidden on wide windows).
import { useEffect, useState, type ReactNode } from 'react';
import { currentTransport } from '../api/index.ts';
import { ROLE_LABELS, screensFor } from '../lib/permissions.ts';
import { hrefFor, type Screen } from '../lib/router.ts';
import { useConnection } from '../stores/connection.ts';
import { useMe } from '../stores/me.ts';
import { useSession } from '../stores/session.ts';
import { useSystem } from '../stores/system.ts';
import {
  AdminsIcon,
  AuditIcon,
  CacheIcon,
  DashboardIcon,
  LogoMark,
  MenuIcon,
  ProjectsIcon,
  RequestsIcon,
  SettingsIcon,
  SignOutIcon,
  TokensIcon,
} from './icons.tsx';

const ITEMS: { screen: Screen; label: string; icon: ReactNode }[] = [
  { screen: 'dashboard', label: 'Dashboard', icon: <DashboardIcon /> },
  { screen: 'projects', label: 'Projects', icon: <ProjectsIcon /> },
  { screen: 'tokens', label: 'Tokens', icon: <TokensIcon /> },
  { screen: 'requests', label: 'Requests', icon: <RequestsIcon /> },
  { screen: 'cache', label: 'Cache', icon: <CacheIcon /> },
  { screen: 'audit', label: 'Audit', icon: <AuditIcon /> },
  { screen: 'settings', label: 'Settings', icon: <SettingsIcon /> },
  { screen: 'admins', label: 'Admins', icon: <AdminsIcon /> },
];

export function Sidebar({ current }: { current: Screen }) {
  const info = useSystem((s) => s.info);
  const online = useConnection((s) => s.online);
  const signOut = useSession((s) => s.signOut);
  const me = useMe((s) => s.me);
  const shown = screensFor(me);
  const canSignOut = currentTransport().needsSignIn;
  const [open, setOpen] = useState(false);
  // Choosing a screen folds the menu again.
  useEffect(() => setOpen(false), [current]);

  return (
    <nav className={open ? 'sidebar sidebar-open' : 'sidebar'} aria-label="Screens" onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}>
      <a className="skip-link" href="#content">
        Skip to content
      </a>
      <div className="brand">
        <LogoMark />
        <div className="brand-text">
          <span className="brand-name">LLM Proxy</span>
          {info ? <span className="brand-version">v{info.version}</span> : null}
        </div>
        <span
          className={online ? 'connection connection-online' : 'connection connection-offline'}
          role="status"
          title={online ? 'The server answers' : 'The server is not answering'}
        >
          <span className="status-dot" aria-hidden="true" />
          {online ? 'Online' : 'Offline'}
        </span>
        <button type="button" className="btn btn-ghost menu-button" aria-expanded={open} aria-controls="screen-menu" onClick={() => setOpen(!open)}>
          <MenuIcon />
          Menu
        </button>
      </div>
      <div className="sidebar-menu" id="screen-menu">
        <ul className="nav">
          {ITEMS.filter((item) => shown.includes(item.screen)).map((item) => (
            <li key={item.screen}>
              <a
                href={hrefFor(item.screen)}
                className={item.screen === current ? 'nav-item nav-item-current' : 'nav-item'}
                aria-current={item.screen === current ? 'page' : undefined}
                onClick={() => setOpen(false)}
              >
                {item.icon}
                {item.label}
              </a>
            </li>
          ))}
        </ul>
        <div className="sidebar-footer">
          {me ? (
            <p className="signed-in-as" data-testid="signed-in-as">
              <span className="muted">Signed in as</span> <strong>{me.name}</strong> · {ROLE_LABELS[me.role]}
            </p>
          ) : null}
          {info ? (
            <p className="server-address" title={`Tools reach the proxy at ${info.listen_url}/v1`}>
              <span className="mono">{info.listen_url.replace(/^https?:\/\//, '')}</span>
            </p>
          ) : null}
          {canSignOut ? (
            <button type="button" className="btn btn-ghost btn-block nav-signout" onClick={() => signOut()}>
              <SignOutIcon />
              Sign out
            </button>
          ) : null}
        </div>
      </div>
    </nav>
  );
}
