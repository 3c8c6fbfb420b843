// Tokens: mint with a policy, copy once, watch usage against quotas and time left, revoke.
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import type { ProjectView, TokenStatus, TokenView } from '../../../main/core/api/views.ts';
import { currentTransport } from '../api/index.ts';
import { AuditIcon, PlusIcon } from '../components/icons.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { Empty, LoadFailed, Loading } from '../components/states.tsx';
import { TokenStatusBadge } from '../components/status-badge.tsx';
import { TimeAgo } from '../components/time-ago.tsx';
import { LifeMeter, UsageMeter } from '../components/usage-meter.tsx';
import { WeekUsage } from '../components/week-usage.tsx';
import { tokenLimitsLine } from '../lib/limits-text.ts';
import { hrefFor, navigate, useRoute } from '../lib/router.ts';
import { lifeLeft } from '../lib/time.ts';
import { usePolling } from '../lib/use-polling.ts';
import { useProjects } from '../stores/projects.ts';
import { useSystem } from '../stores/system.ts';
import { useTokens } from '../stores/tokens.ts';
import { usageRow, useUsage } from '../stores/usage.ts';
import { RevokeTokenDialog } from './revoke-token-dialog.tsx';
import { CreatedTokenDialog, MintTokenDialog } from './token-dialogs.tsx';
import { TokenLimitsDialog } from './token-limits-dialog.tsx';

type StatusFilter = 'all' | TokenStatus;
const STATUS_FILTERS: { value: StatusFilter; label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'active', label: 'Active' },
  { value: 'expired', label: 'Expired' },
  { value: 'exhausted', label: 'Used up' },
  { value: 'revoked', label: 'Revoked' },
];

export const TOKENS_REFRESH_MS = 2000;
const USAGE_REFRESH_MS = 10_000;

export function TokensScreen() {
  const params = useRoute((s) => s.params);
  const { items, status, error, load, created, dismissCreated } = useTokens();
  const projects = useProjects((s) => s.items);
  const projectsStatus = useProjects((s) => s.status);
  const listenUrl = useSystem((s) => s.info?.listen_url);
  const [open, setOpen] = useState<{ kind: 'mint' } | { kind: 'revoke' | 'limits'; token: TokenView } | null>(params.mint ? { kind: 'mint' } : null);
  const [statusFilter, setStatusFilter] = useState<StatusFilter>('all');
  const projectFilter = params.project ?? '';

  useEffect(() => {
    void load();
    void useProjects.getState().load({ quiet: true });
  }, [load]);
  usePolling(() => void load({ quiet: true }), TOKENS_REFRESH_MS);
  const usage = useUsage((s) => s.token);
  useEffect(() => void useUsage.getState().load('token'), []);
  usePolling(() => void useUsage.getState().load('token', { quiet: true }), USAGE_REFRESH_MS);

  const inProject = useMemo(() => (projectFilter ? items.filter((t) => t.project_id === projectFilter) : items), [items, projectFilter]);
  const shown = statusFilter === 'all' ? inProject : inProject.filter((t) => t.status === statusFilter);
  const count = (value: StatusFilter) => (value === 'all' ? inProject.length : inProject.filter((t) => t.status === value).length);
  const projectOf = (id: string) => projects.find((p) => p.id === id);
  const projectName = (id: string) => projectOf(id)?.name ?? 'Unknown project';
  const canMint = projects.some((p) => p.is_active);
  // Over HTTP tools reach the proxy where this page came from; in the desktop window, at the listen URL.
  const proxyOrigin = currentTransport().kind === 'http' ? location.origin : (listenUrl ?? 'http://127.0.0.1:8484');

  const closeMint = () => {
    setOpen(null);
    if (params.mint) navigate('tokens', { project: params.project });
  };

  return (
    <div className="screen">
      <PageHeader
        title="Tokens"
        subtitle="Short-lived keys for your tools. They work only through this proxy and wither on their own."
        actions={
          <button type="button" className="btn btn-primary" onClick={() => setOpen({ kind: 'mint' })} disabled={!canMint} title={canMint ? undefined : 'Create or reactivate a project first'}>
            <PlusIcon /> Mint token
          </button>
        }
      />
      {items.length > 0 || projectFilter ? (
        <TokenFilters projects={projects} projectFilter={projectFilter} statusFilter={statusFilter} onStatus={setStatusFilter} count={count} />
      ) : null}

      {status === 'loading' || status === 'idle' ? (
        <Loading label="Loading tokens…" />
      ) : status === 'error' ? (
        <LoadFailed error={error} onRetry={() => void load()} />
      ) : shown.length === 0 ? (
        <Empty
          title={items.length === 0 ? 'No tokens yet' : 'No tokens match'}
          action={
            items.length > 0 ? undefined : canMint ? (
              <button type="button" className="btn btn-primary" onClick={() => setOpen({ kind: 'mint' })}>
                <PlusIcon /> Mint token
              </button>
            ) : projectsStatus === 'ready' ? (
              <a className="btn" href={hrefFor('projects')}>
                Go to Projects
              </a>
            ) : undefined
          }
        >
          {items.length === 0
            ? canMint || projectsStatus !== 'ready'
              ? 'Mint a token for a script, an editor plug-in or an agent, instead of handing out your real key.'
              : 'Tokens are minted for a project. Create a project first.'
            : 'Try another project or status.'}
        </Empty>
      ) : (
        <div className="table-wrap">
          <table className="table tokens-table">
            <thead>
              <tr>
                <th scope="col" className="col-token">
                  Token
                </th>
                <th scope="col" className="col-project">
                  Project
                </th>
                <th scope="col" className="col-status">
                  Status
                </th>
                <th scope="col" className="col-usage">
                  Requests
                </th>
                <th scope="col" className="col-week">
                  Last 7 days
                </th>
                <th scope="col" className="col-expires">
                  Expires
                </th>
                <th scope="col" className="col-last-used">
                  Last used
                </th>
                <th scope="col" className="col-actions">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {shown.map((token) => (
                <TokenRow
                  key={token.id}
                  token={token}
                  projectName={projectName(token.project_id)}
                  projectActive={projectOf(token.project_id)?.is_active ?? true}
                  week={<WeekUsage row={usageRow(usage, token.id)} days={usage?.days ?? []} label={token.name ?? 'this token'} />}
                  onRevoke={() => setOpen({ kind: 'revoke', token })}
                  project={projectOf(token.project_id)}
                  onEditLimits={() => setOpen({ kind: 'limits', token })}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}

      {open?.kind === 'mint' ? <MintTokenDialog projects={projects} projectId={projectFilter} onClose={closeMint} /> : null}
      {open?.kind === 'revoke' ? <RevokeTokenDialog token={open.token} onClose={() => setOpen(null)} /> : null}
      {open?.kind === 'limits' ? <TokenLimitsDialog token={open.token} project={projectOf(open.token.project_id)} onClose={() => setOpen(null)} /> : null}
      {created && !open ? <CreatedTokenDialog created={created} projectName={projectName(created.project_id)} proxyOrigin={proxyOrigin} onClose={dismissCreated} /> : null}
    </div>
  );
}

function TokenFilters(props: { projects: ProjectView[]; projectFilter: string; statusFilter: StatusFilter; onStatus: (f: StatusFilter) => void; count: (f: StatusFilter) => number }) {
  return (
    <div className="toolbar">
      <label className="toolbar-field">
        <span>Project</span>
        <select className="input input-small" value={props.projectFilter} onChange={(e) => navigate('tokens', { project: e.target.value || undefined })}>
          <option value="">All projects</option>
          {props.projects.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
      </label>
      <div className="segmented" role="group" aria-label="Status">
        {STATUS_FILTERS.map((f) => (
          <button key={f.value} type="button" className="segment" aria-pressed={props.statusFilter === f.value} onClick={() => props.onStatus(f.value)}>
            {f.label}
            <span className="segment-count">{props.count(f.value)}</span>
          </button>
        ))}
      </div>
    </div>
  );
}

function TokenRow({ token, projectName, projectActive, week, onRevoke, project, onEditLimits }: { token: TokenView; projectName: string; projectActive: boolean; week: ReactNode; onRevoke: () => void; project: ProjectView | undefined; onEditLimits: () => void }) {
  const label = token.name ?? 'Unnamed token';
  const left = lifeLeft(token.created_at, token.expires_at, Date.now());
  // The limits beyond the quota, in quiet lines: "60/min · default 20k tok/min" (the project's), then the models.
  const limits = tokenLimitsLine(token, project);
  const policy = token.allowed_models?.join(', ') ?? '';
  return (
    <tr className={`token-row token-${token.status}`} data-token-id={token.id}>
      <td>
        <div className="cell-stack">
          <span className={token.name ? 'token-name' : 'token-name muted'} title={label}>
            {label}
          </span>
          <span className="mono small muted">{token.token}</span>
        </div>
      </td>
      <td className="cell-project">
        <div className="cell-stack">
          <a href={hrefFor('tokens', { project: token.project_id })} className="quiet-link truncate" title={projectName}>
            {projectName}
          </a>
          {!projectActive && token.status === 'active' ? <span className="small paused">project inactive</span> : null}
        </div>
      </td>
      <td>
        <TokenStatusBadge status={token.status} />
      </td>
      <td>
        <UsageMeter used={token.request_count} max={token.max_requests} label={`Requests used by ${label}`} />
        {token.is_active ? (
          // The rate limits are edited where they show (the actions column has no room left at 1280 px).
          <button type="button" className="link-button limits-line limits-line-edit num" onClick={onEditLimits} title={`${limits?.long ?? 'No rate limit'}. Click to edit.`}>
            {limits?.short ?? 'no rate limit'}
            <span className="visually-hidden">, edit limits of {label}</span>
          </button>
        ) : limits ? (
          <span className="limits-line num" title={limits.long}>
            {limits.short}
          </span>
        ) : null}
        {policy ? (
          <span className="small muted models" title={policy}>
            {policy}
          </span>
        ) : null}
      </td>
      <td className="col-week">{week}</td>
      <td>
        <div className="cell-stack">
          {token.status === 'revoked' ? (
            <span className="muted nowrap">
              revoked <TimeAgo value={token.revoked_at} />
            </span>
          ) : token.status === 'expired' ? (
            <span className="muted nowrap">
              expired <TimeAgo value={token.expires_at} />
            </span>
          ) : (
            <TimeAgo value={token.expires_at} />
          )}
          {token.status === 'active' ? <LifeMeter left={left} label={`Lifetime left for ${label}`} /> : null}
        </div>
      </td>
      <td className="col-last-used">
        <TimeAgo value={token.last_used_at} empty="never" />
      </td>
      <td className="cell-actions">
        {token.is_active ? (
          <button type="button" className="btn btn-small btn-danger-quiet" onClick={onRevoke} aria-label={`Revoke ${label}`}>
            Revoke
          </button>
        ) : null}
        <a className="btn btn-small btn-ghost btn-icon" href={hrefFor('audit', { token_id: token.id })} aria-label={`Audit trail of ${label}`} title="Audit trail">
          <AuditIcon />
        </a>
      </td>
    </tr>
  );
}
