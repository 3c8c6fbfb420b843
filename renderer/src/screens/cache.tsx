// The response cache: how often it answers, what it holds and where, and purging it.
import { useEffect, useState } from 'react';
import type { CacheStatsView } from '../../../main/core/api/views.ts';
import { PageHeader } from '../components/page-header.tsx';
import { LoadFailed, Loading } from '../components/states.tsx';
import { TimeAgo } from '../components/time-ago.tsx';
import { emptyPurge, type PurgeValues } from '../forms/cache-purge.ts';
import { useCan } from '../lib/permissions.ts';
import { usePolling } from '../lib/use-polling.ts';
import { useCache } from '../stores/cache.ts';
import { useProjects } from '../stores/projects.ts';
import { PurgeCacheDialog } from './cache-purge-dialog.tsx';

export const CACHE_REFRESH_MS = 5000;

export function CacheScreen() {
  const { stats, status, error, load } = useCache();
  const projects = useProjects((s) => s.items);
  const [purging, setPurging] = useState<PurgeValues | null>(null);
  const canPurge = useCan('cache.purge');

  useEffect(() => {
    void load();
    void useProjects.getState().load({ quiet: true });
  }, [load]);
  usePolling(() => void load({ quiet: true }), CACHE_REFRESH_MS);

  return (
    <div className="screen">
      <PageHeader
        title="Cache"
        subtitle="Repeated requests answered without the upstream: no tokens spent, no quota used."
        actions={
          canPurge ? (
            <button type="button" className="btn btn-danger-quiet" onClick={() => setPurging(emptyPurge)} disabled={!stats || stats.store === 'off'}>
              Purge…
            </button>
          ) : undefined
        }
      />
      {status === 'loading' || status === 'idle' ? (
        <Loading label="Loading the cache figures…" />
      ) : status === 'error' || !stats ? (
        <LoadFailed error={error} onRetry={() => void load()} />
      ) : (
        <>
          <section className="stats" aria-label="Cache figures">
            <Figure
              label="Hit rate"
              value={stats.hit_rate === null ? '—' : formatPercent(stats.hit_rate)}
              note={`${count(stats.hits, 'hit')} · ${count(stats.misses, 'miss', 'misses')}`}
            />
            <Figure
              label="Entries"
              value={stats.entries.toLocaleString('en')}
              note={stats.partial ? 'counted in part (many keys)' : `${stats.stored.toLocaleString('en')} stored since start`}
            />
            <Figure label="Size" value={formatBytes(stats.bytes)} note={stats.max_bytes ? `of ${formatBytes(stats.max_bytes)}` : 'bounded by Redis'} />
            <Figure
              label="Store"
              value={STORE_LABEL[stats.store]}
              note={stats.store === 'off' ? 'turned off' : `answers up to ${formatBytes(stats.max_object_bytes)}`}
              text
            />
          </section>

          <section className="panel" aria-labelledby="endpoints-title">
            <header className="panel-header">
              <h2 id="endpoints-title">Top cached endpoints</h2>
              <span className="muted small">
                Counting since <TimeAgo value={stats.since} />
              </span>
            </header>
            {stats.top_endpoints.length === 0 ? (
              <p className="panel-empty">Nothing is cached yet.</p>
            ) : (
              <EndpointTable stats={stats} onPurge={(path) => setPurging({ ...emptyPurge, scope: 'prefix', prefix: path })} />
            )}
          </section>

          <section className="panel" aria-labelledby="how-title">
            <header className="panel-header">
              <h2 id="how-title">What gets cached</h2>
            </header>
            <div className="panel-body cache-help">
              <p>
                A POST is cached when the request asks for it with <code>Cache-Control: public, max-age=600</code> (seconds), or when its project has a default
                TTL
                {stats.default_ttl_seconds ? ` (this server’s default: ${stats.default_ttl_seconds} s)` : ''}. GET answers follow the upstream’s own{' '}
                <code>Cache-Control</code>.
              </p>
              <p>
                Answers are never shared between projects. <code>no-store</code>, <code>private</code> and failed or interrupted answers are never kept; every
                answer says <code>X-Proxy-Cache: HIT</code>, <code>MISS</code> or <code>BYPASS</code>.
              </p>
            </div>
          </section>
        </>
      )}
      {purging ? <PurgeCacheDialog projects={projects} initial={purging} onClose={() => setPurging(null)} /> : null}
    </div>
  );
}

const STORE_LABEL: Record<CacheStatsView['store'], string> = { memory: 'Memory', redis: 'Redis', off: 'Off' };

function Figure({ label, value, note, text }: { label: string; value: string; note: string; text?: boolean }) {
  return (
    <div className="stat">
      <span className="stat-label">{label}</span>
      <span className={text ? 'stat-value stat-value-text' : 'stat-value num'}>{value}</span>
      <span className="stat-note">{note}</span>
    </div>
  );
}

function EndpointTable({ stats, onPurge }: { stats: CacheStatsView; onPurge: (path: string) => void }) {
  const canPurge = useCan('cache.purge');
  return (
    <div className="table-wrap table-flush table-stack">
      <table className="table cache-table">
        <thead>
          <tr>
            <th scope="col">Endpoint</th>
            <th scope="col" className="col-num">
              Entries
            </th>
            <th scope="col" className="col-num">
              Size
            </th>
            <th scope="col" className="col-num">
              Hits
            </th>
            <th scope="col" className="col-actions">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {stats.top_endpoints.map((e) => (
            <tr key={`${e.method} ${e.path}`}>
              <td className="mono">
                <span className="cache-method">{e.method}</span> {e.path}
              </td>
              <td className="col-num num" data-label="Entries">
                {e.entries.toLocaleString('en')}
              </td>
              <td className="col-num num" data-label="Size">
                {formatBytes(e.bytes)}
              </td>
              <td className="col-num num" data-label="Hits">
                {e.hits.toLocaleString('en')}
              </td>
              <td className="cell-actions">
                {canPurge ? (
                  <button type="button" className="btn btn-small btn-ghost" onClick={() => onPurge(e.path)} aria-label={`Purge ${e.method} ${e.path}`}>
                    Purge
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const count = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

/** 0.25 → "25 %", 1/3 → "33.3 %". */
export function formatPercent(rate: number): string {
  return `${(rate * 100).toFixed(1).replace(/\.0$/, '')} %`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `${(n / 1024 / 1024 / 1024).toFixed(1)} GiB`;
}
