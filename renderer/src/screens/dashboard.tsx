// The first screen: how many projects and tokens, today's traffic, and what happened lately.
import { useEffect } from 'react';
import type { AuditEventView } from '../../../main/core/api/views.ts';
import { PlusIcon } from '../components/icons.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { LoadFailed, Loading } from '../components/states.tsx';
import { TimeAgo } from '../components/time-ago.tsx';
import { actionLabel } from '../lib/audit-labels.ts';
import { useCan } from '../lib/permissions.ts';
import { hrefFor } from '../lib/router.ts';
import { usePolling } from '../lib/use-polling.ts';
import { useDashboard } from '../stores/dashboard.ts';
import { useSpend } from '../stores/spend.ts';
import { useProjects } from '../stores/projects.ts';
import { useSystem } from '../stores/system.ts';
import { useTokens } from '../stores/tokens.ts';
import { describeTarget } from './audit.tsx';
import { LivePanel } from './dashboard-live.tsx';
import { SpendPanel } from './dashboard-spend.tsx';

export const DASHBOARD_REFRESH_MS = 5000;

export function DashboardScreen() {
  const { summary, status, error, load } = useDashboard();
  const canMint = useCan('tokens.manage');
  const projects = useProjects((s) => s.items);
  const tokens = useTokens((s) => s.items);
  const info = useSystem((s) => s.info);

  useEffect(() => {
    void load();
    void useProjects.getState().load({ quiet: true });
    void useTokens.getState().load({ quiet: true });
    void useSpend.getState().load({ quiet: true });
  }, [load]);
  usePolling(() => {
    void load({ quiet: true });
    void useTokens.getState().load({ quiet: true });
    void useSpend.getState().load({ quiet: true });
  }, DASHBOARD_REFRESH_MS);

  const projectName = (id: string | null) => (id ? (projects.find((p) => p.id === id)?.name ?? null) : null);
  const tokenName = (id: string | null) => {
    const token = id ? tokens.find((t) => t.id === id) : undefined;
    return token ? (token.name ?? token.token) : null;
  };
  const soon = tokens
    .filter((t) => t.status === 'active' && Date.parse(t.expires_at) - Date.now() < 24 * 3600_000)
    .sort((a, b) => a.expires_at.localeCompare(b.expires_at))
    .slice(0, 5);

  return (
    <div className="screen">
      <PageHeader
        title="Dashboard"
        subtitle={
          info ? (
            <>
              Proxy for your tools at <span className="mono">{info.listen_url}/v1</span>
            </>
          ) : (
            'What this proxy is doing today.'
          )
        }
        actions={
          canMint ? (
            <a className="btn btn-primary" href={hrefFor('tokens', { mint: '1' })}>
              <PlusIcon /> Mint token
            </a>
          ) : undefined
        }
      />
      {status === 'loading' || status === 'idle' ? (
        <Loading label="Loading the summary…" />
      ) : status === 'error' || !summary ? (
        <LoadFailed error={error} onRetry={() => void load()} />
      ) : (
        <>
          <section className="stats" aria-label="Summary">
            <Stat
              label="Requests today"
              value={summary.requests_today}
              note={
                summary.rate_limited_today ? `since midnight · ${summary.rate_limited_today.toLocaleString('en')} rate-limited` : 'since midnight, all tokens'
              }
            />
            <Stat label="Active tokens" value={summary.tokens.active} note={`of ${summary.tokens.total} minted`} href={hrefFor('tokens')} />
            <Stat label="Active projects" value={summary.projects.active} note={`of ${summary.projects.total}`} href={hrefFor('projects')} />
            <div className="stat">
              <span className="stat-label">Running since</span>
              <span className="stat-value stat-value-text">{info ? <TimeAgo value={info.started_at} /> : '—'}</span>
              <span className="stat-note">{info ? `version ${info.version}` : ''}</span>
            </div>
          </section>
          <p className="small muted stats-hint" id="requests-today-hint">
            Requests today: requests counted against tokens since your midnight, on every instance. The proxy’s <span className="mono">/metrics</span> counts
            every answer on <span className="mono">/v1</span> of this one instance since it started, refusals included (unknown, revoked or used-up tokens), so
            it can be higher.
          </p>

          {summary.projects.total === 0 ? <GettingStarted /> : <LivePanel />}
          {summary.projects.total === 0 ? null : <SpendPanel />}

          <div className="dashboard-columns">
            <section className="panel" aria-labelledby="recent-title">
              <header className="panel-header">
                <h2 id="recent-title">Recent activity</h2>
                <a href={hrefFor('audit')} className="quiet-link small">
                  Open audit trail
                </a>
              </header>
              {summary.recent_audit.length === 0 ? (
                <p className="panel-empty">Nothing has happened yet.</p>
              ) : (
                <ul className="activity">
                  {summary.recent_audit.map((event) => (
                    <ActivityItem key={event.id} event={event} target={describeTarget(event, projectName, tokenName)} />
                  ))}
                </ul>
              )}
            </section>
            <section className="panel" aria-labelledby="expiring-title">
              <header className="panel-header">
                <h2 id="expiring-title">Expiring within a day</h2>
                <a href={hrefFor('tokens')} className="quiet-link small">
                  All tokens
                </a>
              </header>
              {soon.length === 0 ? (
                <p className="panel-empty">No active token expires in the next 24 hours.</p>
              ) : (
                <ul className="activity">
                  {soon.map((t) => (
                    <li key={t.id} className="activity-item">
                      <span className="activity-main">
                        <span className="activity-title">{t.name ?? t.token}</span>
                        <span className="muted small">{projectName(t.project_id) ?? ''}</span>
                      </span>
                      <TimeAgo value={t.expires_at} className="activity-time" />
                    </li>
                  ))}
                </ul>
              )}
            </section>
          </div>
        </>
      )}
    </div>
  );
}

function Stat({ label, value, note, href }: { label: string; value: number; note: string; href?: string }) {
  const body = (
    <>
      <span className="stat-label">{label}</span>
      <span className="stat-value num">{value.toLocaleString('en')}</span>
      <span className="stat-note">{note}</span>
    </>
  );
  return href ? (
    <a className="stat stat-link" href={href}>
      {body}
    </a>
  ) : (
    <div className="stat">{body}</div>
  );
}

function ActivityItem({ event, target }: { event: AuditEventView; target: string }) {
  return (
    <li className="activity-item">
      <span className={`outcome-dot outcome-${event.outcome}`} aria-hidden="true" />
      <span className="activity-main">
        <a className="activity-title" href={hrefFor('audit', { event: event.id })}>
          {actionLabel(event.action)}
        </a>
        <span className="muted small truncate">{target}</span>
      </span>
      {event.outcome !== 'success' ? (
        <span className={`activity-outcome outcome-text-${event.outcome}`}>{event.outcome === 'denied' ? 'denied' : 'failed'}</span>
      ) : null}
      <TimeAgo value={event.time} className="activity-time" />
    </li>
  );
}

function GettingStarted() {
  return (
    <section className="panel getting-started" aria-labelledby="start-title">
      <h2 id="start-title">Get started</h2>
      <ol className="steps">
        <li>
          <span>
            <a href={hrefFor('projects')}>
              <strong>Create a project</strong>
            </a>{' '}
            with your provider’s API key. It stays encrypted on this server.
          </span>
        </li>
        <li>
          <span>
            <strong>Mint a token</strong> with a lifetime, a request quota and the models it may use.
          </span>
        </li>
        <li>
          <span>
            <strong>Point your tool at the proxy</strong> with <code>OPENAI_BASE_URL</code> and the token as <code>OPENAI_API_KEY</code>.
          </span>
        </li>
      </ol>
    </section>
  );
}
