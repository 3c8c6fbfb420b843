// The dashboard's live part: requests per second, latency, error / 429 / cache-hit rates, tokens per
// project today and the last requests, from the `dashboard.live` subscription (about once a second).
import { useEffect } from 'react';
import type { LiveProjectView, LiveRequestView, LiveSnapshotView } from '../../../main/core/api/event-views.ts';
import { TimeChart } from '../components/charts.tsx';
import { compactNumber as compact } from '../components/week-usage.tsx';
import { hrefFor } from '../lib/router.ts';
import { useLive } from '../stores/live.ts';

export function LivePanel() {
  const { snapshot, connection, error } = useLive();
  useEffect(() => useLive.getState().watch(), []);

  const state = connection === 'live' ? 'live' : connection === 'retrying' ? 'reconnecting' : 'connecting';
  return (
    <section className="live" aria-labelledby="live-title">
      <header className="live-header">
        <h2 id="live-title">Live</h2>
        <span className={`live-state live-state-${state}`} role="status" title={state === 'reconnecting' && error ? error.message : undefined}>
          <span className="live-dot" aria-hidden="true" />
          {state === 'live' ? 'live · last 60 seconds' : state === 'reconnecting' ? 'reconnecting…' : 'connecting…'}
        </span>
        {snapshot && (snapshot.events.dead_letters > 0 || snapshot.events.failing.length > 0) ? (
          <span className="live-warning small">
            {snapshot.events.failing.length > 0 ? `Event delivery retrying (${snapshot.events.failing.join(', ')})` : ''}
            {snapshot.events.failing.length > 0 && snapshot.events.dead_letters > 0 ? ' · ' : ''}
            {snapshot.events.dead_letters > 0 ? `${snapshot.events.dead_letters.toLocaleString('en')} dead letters` : ''}
          </span>
        ) : null}
      </header>
      <LiveTiles current={snapshot?.current ?? null} />
      <div className="live-charts">
        <section className="panel chart-panel" aria-labelledby="rps-title">
          <header className="panel-header">
            <h3 id="rps-title">Requests per second</h3>
          </header>
          {snapshot ? <RequestsChart series={snapshot.series} /> : <div className="chart-placeholder" />}
        </section>
        <section className="panel chart-panel" aria-labelledby="latency-title">
          <header className="panel-header">
            <h3 id="latency-title">Latency</h3>
          </header>
          {snapshot ? <LatencyChart series={snapshot.series} /> : <div className="chart-placeholder" />}
        </section>
      </div>
      <div className="live-columns">
        <RecentRequests recent={snapshot?.recent ?? []} />
        <ProjectTokens projects={snapshot?.projects ?? []} />
      </div>
    </section>
  );
}

const percent = (share: number | null) => (share === null ? '—' : `${(share * 100).toFixed(share > 0 && share < 0.1 ? 1 : 0)} %`);
const ms = (value: number | null) =>
  value === null ? '—' : value < 10 ? `${value.toFixed(1)} ms` : value < 10_000 ? `${Math.round(value)} ms` : `${(value / 1000).toFixed(1)} s`;

function LiveTiles({ current }: { current: LiveSnapshotView['current'] | null }) {
  const over = current ? `last ${current.window_seconds} s` : '';
  const tiles: { label: string; value: string; note: string; tone?: 'bad' | 'warn' }[] = [
    {
      label: 'Requests per second',
      value: current ? current.requests_per_second.toLocaleString('en', { maximumFractionDigits: 1 }) : '—',
      note: current ? `${current.requests.toLocaleString('en')} requests, ${over}` : '',
    },
    { label: 'Latency p50', value: ms(current?.p50_ms ?? null), note: over },
    { label: 'Latency p95', value: ms(current?.p95_ms ?? null), note: over },
    { label: 'Error rate', value: percent(current?.error_rate ?? null), note: '5xx answers', tone: current?.error_rate ? 'bad' : undefined },
    { label: '429 rate', value: percent(current?.rate_limited_rate ?? null), note: 'refused by limits', tone: current?.rate_limited_rate ? 'warn' : undefined },
    {
      label: 'Cache hit rate',
      value: percent(current?.cache_hit_rate ?? null),
      note: current?.cache_hit_rate === null ? 'nothing cacheable' : 'of cacheable requests',
    },
  ];
  return (
    <div className="live-tiles">
      {tiles.map((tile) => (
        <div key={tile.label} className={`stat live-tile${tile.tone ? ` live-tile-${tile.tone}` : ''}`} role="group" aria-label={tile.label}>
          <span className="stat-label">{tile.label}</span>
          <span className="stat-value num" data-testid="live-value">
            {tile.value}
          </span>
          <span className="stat-note">{tile.note}</span>
        </div>
      ))}
    </div>
  );
}

function RequestsChart({ series }: { series: LiveSnapshotView['series'] }) {
  const ok = series.requests.map((total, i) => total - (series.errors[i] ?? 0) - (series.rate_limited[i] ?? 0));
  return (
    <TimeChart
      mode="stacked"
      label="Requests per second"
      format={(v) => (v >= 10 || v === 0 ? Math.round(v).toLocaleString('en') : v.toFixed(1))}
      series={[
        { label: 'answered', values: ok, tone: 'accent' },
        { label: '429', values: series.rate_limited, tone: 'amber' },
        { label: 'errors', values: series.errors, tone: 'red' },
      ]}
      from="60 s ago"
      to="now"
    />
  );
}

function LatencyChart({ series }: { series: LiveSnapshotView['series'] }) {
  return (
    <TimeChart
      mode="lines"
      label="Latency"
      format={(v) => ms(v)}
      series={[
        { label: 'p95', values: series.p95_ms, tone: 'violet' },
        { label: 'p50', values: series.p50_ms, tone: 'accent' },
      ]}
      from="60 s ago"
      to="now"
    />
  );
}

function statusTone(status: number): string {
  if (status >= 500) return 'status-error';
  if (status === 429) return 'status-limited';
  if (status >= 400) return 'status-refused';
  return 'status-ok';
}

function RecentRequests({ recent }: { recent: LiveRequestView[] }) {
  return (
    <section className="panel recent-requests" aria-labelledby="recent-requests-title">
      <header className="panel-header">
        <h3 id="recent-requests-title">Last requests</h3>
        <span className="muted small">method, path, model, status, latency, token — never bodies</span>
      </header>
      {recent.length === 0 ? (
        <p className="panel-empty">No requests yet. Point a tool at the proxy and they appear here as they are answered.</p>
      ) : (
        <div className="table-wrap table-wrap-flat table-stack">
          <table className="table requests-table" aria-label="Last requests">
            <thead>
              <tr>
                <th scope="col" className="col-time">
                  Time
                </th>
                <th scope="col">Request</th>
                <th scope="col" className="col-model">
                  Model
                </th>
                <th scope="col" className="col-status-code">
                  Status
                </th>
                <th scope="col" className="col-latency">
                  Latency
                </th>
                <th scope="col" className="col-token-name">
                  Token
                </th>
              </tr>
            </thead>
            <tbody>
              {recent.map((r) => (
                <tr key={r.request_id}>
                  <td className="mono small muted nowrap" data-label="Time">
                    {new Date(r.time).toLocaleTimeString('en-GB')}
                  </td>
                  <td className="truncate" title={`${r.method} ${r.path}`}>
                    <span className="method">{r.method}</span> <span className="mono small">{r.path}</span>
                  </td>
                  <td className="truncate mono small" title={r.model ?? undefined} data-label="Model">
                    {r.model ?? <span className="muted">—</span>}
                  </td>
                  <td data-label="Status">
                    <span
                      className={`status-code ${statusTone(r.status)}`}
                      title={[r.error, r.cache === 'hit' ? 'answered from the cache' : null].filter(Boolean).join(' · ') || undefined}
                    >
                      {r.status}
                    </span>
                    {r.cache === 'hit' ? <span className="cache-hit" aria-label="from the cache" /> : null}
                  </td>
                  <td className="num nowrap" data-label="Latency">
                    {ms(r.latency_ms)}
                  </td>
                  <td className="truncate" title={r.token_name ?? undefined} data-label="Token">
                    {r.token_id && r.token_name ? (
                      <a className="quiet-link" href={hrefFor('audit', { token_id: r.token_id })}>
                        {r.token_name}
                      </a>
                    ) : (
                      <span className="muted">{r.error ?? 'no token'}</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function ProjectTokens({ projects }: { projects: LiveProjectView[] }) {
  const tokensOf = (p: LiveProjectView) => p.prompt_tokens_today + p.completion_tokens_today;
  const top = Math.max(1, ...projects.map(tokensOf));
  return (
    <section className="panel project-usage" aria-labelledby="project-usage-title">
      <header className="panel-header">
        <h3 id="project-usage-title">Tokens used today</h3>
        <span className="muted small">by project</span>
      </header>
      {projects.length === 0 ? (
        <p className="panel-empty">No usage today yet.</p>
      ) : (
        <ul className="project-usage-list">
          {projects.slice(0, 8).map((p) => (
            <li key={p.project_id} aria-label={p.name ?? p.project_id}>
              <div className="project-usage-line">
                <a className="quiet-link truncate" href={hrefFor('tokens', { project: p.project_id })}>
                  {p.name ?? 'Unknown project'}
                </a>
                <span className="num">{compact(tokensOf(p))}</span>
              </div>
              <meter className="project-usage-meter" min={0} max={top} value={tokensOf(p)} aria-label={`Tokens used today by ${p.name ?? 'project'}`} />
              <span className="muted small">
                {compact(p.prompt_tokens_today)} prompt · {compact(p.completion_tokens_today)} completion · {p.requests_today.toLocaleString('en')} requests
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
