// Facts about the server, and the settings that change while it runs (./settings-runtime.tsx); the rest
// change through flags, env vars or the config file.
import { useEffect, type ReactNode } from 'react';
import { currentTransport } from '../api/index.ts';
import { CopyButton } from '../components/copy-button.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { LoadFailed, Loading } from '../components/states.tsx';
import { TimeAgo } from '../components/time-ago.tsx';
import { HttpsPanel, RedisPanel } from './settings-network.tsx';
import { RuntimeSettingsPanel } from './settings-runtime.tsx';
import { useSession } from '../stores/session.ts';
import { useSystem } from '../stores/system.ts';

export function SettingsScreen() {
  const { info, status, error, load } = useSystem();
  const signOut = useSession((s) => s.signOut);
  const transport = currentTransport();

  useEffect(() => {
    void load();
  }, [load]);

  return (
    <div className="screen screen-narrow">
      <PageHeader
        title="Settings"
        subtitle={
          <>
            What this server runs with. Redis, the cache size, event retention and the log level change here without a restart; everything else with flags,
            environment variables or the config file (<span className="mono">llm-proxy serve --help</span> lists them).
          </>
        }
      />
      {status === 'loading' && !info ? (
        <Loading label="Loading server facts…" />
      ) : status === 'error' && !info ? (
        <LoadFailed error={error} onRetry={() => void load()} />
      ) : info ? (
        <>
          <section className="panel" aria-labelledby="server-title">
            <header className="panel-header">
              <h2 id="server-title">Server</h2>
            </header>
            <dl className="settings-list">
              <Row label="Version">{info.version}</Row>
              <Row label="Running since">
                <TimeAgo value={info.started_at} />
              </Row>
              <Row label="Proxy address" copy={`${info.listen_url}/v1`} hint="Tools use this as OPENAI_BASE_URL.">
                <span className="mono">{info.listen_url}/v1</span>
              </Row>
              <Row label="Admin screens" copy={info.admin_url}>
                <span className="mono">{info.admin_url}</span>
              </Row>
            </dl>
          </section>
          <section className="panel" aria-labelledby="storage-title">
            <header className="panel-header">
              <h2 id="storage-title">Storage</h2>
            </header>
            <dl className="settings-list">
              <Row label="Data folder" copy={info.data_dir} hint="Database, key file and generated management token.">
                <span className="mono">{info.data_dir}</span>
              </Row>
              <Row label="Database">{info.database.kind === 'sqlite' ? 'SQLite (embedded)' : 'PostgreSQL'}</Row>
              <Row label="Database location" copy={info.database.location}>
                <span className="mono">{info.database.location}</span>
              </Row>
              <Row label="Schema version">
                <span className="mono">{info.database.schema_version ?? 'not migrated'}</span>
              </Row>
            </dl>
          </section>
          <HttpsPanel tls={info.tls} row={Row} />
          <RedisPanel redis={info.redis} row={Row} />
          <RuntimeSettingsPanel />
          <section className="panel" aria-labelledby="session-title">
            <header className="panel-header">
              <h2 id="session-title">This session</h2>
            </header>
            <dl className="settings-list">
              <Row label="Connected through">
                {transport.kind === 'http' ? 'HTTP, signed in with the management token (kept in this tab’s memory only)' : 'the desktop app (no token needed)'}
              </Row>
            </dl>
            {transport.needsSignIn ? (
              <div className="panel-footer">
                <button type="button" className="btn" onClick={() => signOut()}>
                  Sign out
                </button>
              </div>
            ) : null}
          </section>
        </>
      ) : null}
    </div>
  );
}

function Row({ label, children, copy, hint }: { label: string; children: ReactNode; copy?: string; hint?: string }) {
  return (
    <div className="settings-row">
      <dt>{label}</dt>
      <dd>
        <div className="settings-value">
          {children}
          {hint ? <span className="muted small">{hint}</span> : null}
        </div>
        {copy ? <CopyButton text={copy} className="btn-small btn-ghost" /> : null}
      </dd>
    </div>
  );
}
