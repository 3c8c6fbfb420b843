// The audit trail: filter, search, page, open one event, export what the filter matches as CSV.
import { useEffect, useMemo, useState } from 'react';
import type { AuditEventView } from '../../../main/core/api/views.ts';
import { DownloadIcon } from '../components/icons.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { Empty, LoadFailed, Loading, Spinner } from '../components/states.tsx';
import { OutcomeBadge } from '../components/status-badge.tsx';
import { TimeAgo } from '../components/time-ago.tsx';
import { auditFilterFromParams, auditQueryOf } from '../forms/audit-filter.ts';
import { csvFileName } from '../lib/audit-csv.ts';
import { actionLabel } from '../lib/audit-labels.ts';
import { downloadText } from '../lib/download.ts';
import { navigate, useRoute } from '../lib/router.ts';
import { useAction } from '../lib/use-action.ts';
import { AUDIT_PAGE_SIZE, useAudit } from '../stores/audit.ts';
import { notify } from '../stores/notices.ts';
import { useProjects } from '../stores/projects.ts';
import { useTokens } from '../stores/tokens.ts';
import { AuditEventDialog } from './audit-event-dialog.tsx';
import { AuditFilterBar } from './audit-filter-bar.tsx';
import { Pager } from './pager.tsx';

export function AuditScreen() {
  const params = useRoute((s) => s.params);
  const { result, status, error, page, query, opened, load, applyFilter, goToPage, open, close, exportCsv } = useAudit();
  const projects = useProjects((s) => s.items);
  const tokens = useTokens((s) => s.items);
  // Other screens link here with a filter (#/audit?token_id=…); a new link starts from its filter.
  const { event: eventParam, ...filterParams } = params;
  const filterKey = JSON.stringify(filterParams);
  const initialFilter = useMemo(() => auditFilterFromParams(JSON.parse(filterKey) as Record<string, string>), [filterKey]);
  const [progress, setProgress] = useState<string | null>(null);

  useEffect(() => {
    void applyFilter(auditQueryOf(initialFilter));
  }, [applyFilter, initialFilter]);
  // #/audit?event=<id> (from the dashboard) opens that event.
  useEffect(() => {
    if (eventParam) void open(eventParam);
  }, [eventParam, open]);
  const closeEvent = () => {
    close();
    if (eventParam) navigate('audit', filterParams);
  };
  useEffect(() => {
    void useProjects.getState().load({ quiet: true });
    void useTokens.getState().load({ quiet: true });
  }, []);

  const exporting = useAction(async () => {
    setProgress('Starting…');
    try {
      const { csv, count } = await exportCsv((done, total) => setProgress(`${done.toLocaleString('en')} of ${total.toLocaleString('en')}`));
      downloadText(csvFileName(new Date()), csv);
      notify('success', `Exported ${count.toLocaleString('en')} audit event${count === 1 ? '' : 's'} as CSV`);
    } finally {
      setProgress(null);
    }
  });
  useEffect(() => {
    if (exporting.error) notify('error', `Export failed: ${exporting.error.message}`);
  }, [exporting.error]);

  const nameOfProject = (id: string | null) => (id ? (projects.find((p) => p.id === id)?.name ?? null) : null);
  const nameOfToken = (id: string | null) => {
    if (!id) return null;
    const token = tokens.find((t) => t.id === id);
    return token ? (token.name ?? token.token) : null;
  };

  return (
    <div className="screen">
      <PageHeader
        title="Audit"
        subtitle="Every change made here or through the API, and every request the proxy refused."
        actions={
          <button
            type="button"
            className="btn"
            onClick={() => void exporting.run()}
            disabled={exporting.pending || !result || result.pagination.total_count === 0}
          >
            {exporting.pending ? <Spinner /> : <DownloadIcon />}
            {exporting.pending ? `Exporting ${progress ?? '…'}` : 'Export CSV'}
          </button>
        }
      />
      <AuditFilterBar key={filterKey} initial={initialFilter} projects={projects} tokens={tokens} onApply={(query) => void applyFilter(query)} />

      {status === 'loading' && !result ? (
        <Loading label="Loading audit events…" />
      ) : status === 'error' ? (
        <LoadFailed error={error} onRetry={() => void load()} />
      ) : !result || result.events.length === 0 ? (
        <Empty title="No audit events match">
          {Object.keys(query).length ? 'Try a wider time range or fewer filters.' : 'Changes and refused requests will show up here.'}
        </Empty>
      ) : (
        <>
          <div className={status === 'loading' ? 'table-wrap table-stack is-refreshing' : 'table-wrap table-stack'} aria-busy={status === 'loading'}>
            <table className="table audit-table">
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Event</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">Target</th>
                  <th scope="col" className="col-actor">
                    Actor
                  </th>
                  <th scope="col" className="col-ip">
                    Client
                  </th>
                </tr>
              </thead>
              <tbody>
                {result.events.map((event) => (
                  <AuditRow
                    key={event.id}
                    event={event}
                    target={describeTarget(event, nameOfProject, nameOfToken)}
                    actor={describeActor(event.actor, nameOfToken)}
                    onOpen={() => void open(event.id)}
                  />
                ))}
              </tbody>
            </table>
          </div>
          <Pager page={page} pageSize={AUDIT_PAGE_SIZE} pagination={result.pagination} onPage={(p) => void goToPage(p)} busy={status === 'loading'} />
        </>
      )}

      {opened ? <AuditEventDialog opened={opened} projectName={nameOfProject} tokenName={nameOfToken} onClose={closeEvent} /> : null}
    </div>
  );
}

function AuditRow({ event, target, actor, onOpen }: { event: AuditEventView; target: string; actor: string; onOpen: () => void }) {
  return (
    <tr className="audit-row" onClick={onOpen}>
      <td className="nowrap" data-label="Time">
        <TimeAgo value={event.time} />
      </td>
      <td className="nowrap" data-label="Event">
        <button type="button" className="link-button" onClick={(e) => (e.stopPropagation(), onOpen())} title={event.action}>
          {actionLabel(event.action)}
        </button>
      </td>
      <td data-label="Outcome">
        <OutcomeBadge outcome={event.outcome} />
      </td>
      <td className="truncate" title={target} data-label="Target">
        {target}
      </td>
      <td className="truncate col-actor" title={event.actor} data-label="Actor">
        {actor}
      </td>
      <td className="mono small muted col-ip" data-label="Client IP">
        {event.client_ip ?? '—'}
      </td>
    </tr>
  );
}

/** Who did it, in words: the management API, the desktop app, the CLI, or a token by its name. */
export function describeActor(actor: string, tokenName: (id: string | null) => string | null): string {
  if (actor === 'management') return 'Management API';
  if (actor === 'desktop') return 'Desktop app';
  if (actor === 'cli') return 'Command line';
  if (actor === 'anonymous') return 'Unknown caller';
  if (actor.startsWith('token:')) {
    const id = actor.slice('token:'.length);
    return `Token ${tokenName(id) ?? `${id.slice(0, 8)}…`}`;
  }
  return actor;
}

export function describeTarget(
  event: AuditEventView,
  projectName: (id: string | null) => string | null,
  tokenName: (id: string | null) => string | null,
): string {
  if (event.target_type === 'endpoint') {
    const token = tokenName(event.token_id);
    return `${event.target_id ?? '—'}${token ? ` · ${token}` : ''}`;
  }
  if (event.target_type === 'token' || (event.token_id && event.target_type !== 'project')) {
    const token = tokenName(event.token_id ?? event.target_id);
    const project = projectName(event.project_id);
    if (token || project) return [token ?? 'token', project ? `in ${project}` : null].filter(Boolean).join(' ');
  }
  if (event.target_type === 'project') return projectName(event.project_id ?? event.target_id) ?? shortId(event.target_id);
  if (event.target_type === 'upstream_key') {
    // The server names the key by label (from the event's details, or the key's label now); the id means nothing to a reader.
    const label = event.target_label ? `key “${event.target_label}”` : `key ${shortId(event.target_id)}`;
    const project = projectName(event.project_id);
    return project ? `${label} in ${project}` : label;
  }
  if (event.target_type === 'cache') {
    // target_id: `all`, the project id, a prefix or `METHOD /url` (see cache.purge).
    const project = event.project_id ? (projectName(event.project_id) ?? shortId(event.project_id)) : null;
    const what = event.target_id === 'all' ? 'everything' : event.target_id === event.project_id ? 'all URLs' : (event.target_id ?? '—');
    return project ? `${what} in ${project}` : what;
  }
  return event.target_id ? shortId(event.target_id) : '—';
}

function shortId(id: string | null): string {
  return id ? `${id.slice(0, 8)}…` : '—';
}
