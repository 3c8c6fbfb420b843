// Tokens: mint with a policy (or another token's), copy once, watch usage against quotas and time left,
// search and filter, edit a token's name, quota, models and limits in place, revoke.
import { useEffect, useMemo, useState } from 'react';
import type { TokenView } from '../../../main/core/api/views.ts';
import { currentTransport } from '../api/index.ts';
import { PlusIcon } from '../components/icons.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { Empty, LoadFailed, Loading } from '../components/states.tsx';
import { useCan } from '../lib/permissions.ts';
import { hrefFor, navigate, useRoute } from '../lib/router.ts';
import { tokensToShow } from '../lib/token-list.ts';
import { usePolling } from '../lib/use-polling.ts';
import { useOffline } from '../stores/connection.ts';
import { useProjects } from '../stores/projects.ts';
import { useSystem } from '../stores/system.ts';
import { useTokens } from '../stores/tokens.ts';
import { usageRow, useUsage } from '../stores/usage.ts';
import { RevokeTokenDialog } from './revoke-token-dialog.tsx';
import { CreatedTokenDialog } from './token-created-dialog.tsx';
import { MintTokenDialog } from './token-dialogs.tsx';
import { TokenEditDialog } from './token-edit-dialog.tsx';
import { TokenFilters, type StatusFilter } from './token-filters.tsx';
import { TokenLimitsDialog } from './token-limits-dialog.tsx';
import { TokenRow } from './token-row.tsx';

export const TOKENS_REFRESH_MS = 2000;
const USAGE_REFRESH_MS = 10_000;

type Open = { kind: 'mint'; from?: TokenView } | { kind: 'revoke' | 'limits' | 'edit'; token: TokenView };

export function TokensScreen() {
  const params = useRoute((s) => s.params);
  const { items, status, error, load, created, dismissCreated } = useTokens();
  const projects = useProjects((s) => s.items);
  const projectsStatus = useProjects((s) => s.status);
  const listenUrl = useSystem((s) => s.info?.listen_url);
  const offline = useOffline();
  const canManage = useCan('tokens.manage');
  const [open, setOpen] = useState<Open | null>(params.mint ? { kind: 'mint' } : null);
  const [statusFilter, setStatusFilter] = useState<StatusFilter>('all');
  const [search, setSearch] = useState('');
  const projectFilter = params.project ?? '';

  useEffect(() => {
    void load();
    void useProjects.getState().load({ quiet: true });
  }, [load]);
  usePolling(() => void load({ quiet: true }), TOKENS_REFRESH_MS);
  const usage = useUsage((s) => s.token);
  useEffect(() => void useUsage.getState().load('token'), []);
  usePolling(() => void useUsage.getState().load('token', { quiet: true }), USAGE_REFRESH_MS);

  const projectOf = (id: string) => projects.find((p) => p.id === id);
  const projectName = (id: string) => projectOf(id)?.name ?? 'Unknown project';
  // Counts per state follow the project and the search; the list also follows the state.
  const matching = useMemo(
    () => tokensToShow(items, { projectId: projectFilter, status: 'all', search }, (id) => projects.find((p) => p.id === id)?.name ?? ''),
    [items, projectFilter, search, projects],
  );
  const shown = statusFilter === 'all' ? matching : matching.filter((t) => t.status === statusFilter);
  const count = (value: StatusFilter) => (value === 'all' ? matching.length : matching.filter((t) => t.status === value).length);
  const canMint = projects.some((p) => p.is_active);
  const mintBlocked = offline ?? (canMint ? null : 'Create or reactivate a project first');
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
          canManage ? (
            <button
              type="button"
              className="btn btn-primary"
              onClick={() => setOpen({ kind: 'mint' })}
              disabled={!!mintBlocked}
              title={mintBlocked ?? undefined}
            >
              <PlusIcon /> Mint token
            </button>
          ) : undefined
        }
      />
      {items.length > 0 || projectFilter ? (
        <TokenFilters
          projects={projects}
          projectFilter={projectFilter}
          statusFilter={statusFilter}
          onStatus={setStatusFilter}
          search={search}
          onSearch={setSearch}
          count={count}
        />
      ) : null}

      {status === 'loading' || status === 'idle' ? (
        <Loading label="Loading tokens…" />
      ) : status === 'error' ? (
        <LoadFailed error={error} onRetry={() => void load()} />
      ) : shown.length === 0 ? (
        <Empty
          title={items.length === 0 ? 'No tokens yet' : 'No tokens match'}
          action={
            items.length > 0 || !canManage ? undefined : canMint ? (
              <button type="button" className="btn btn-primary" onClick={() => setOpen({ kind: 'mint' })} disabled={!!offline} title={offline ?? undefined}>
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
            : 'Try another search, project or state.'}
        </Empty>
      ) : (
        <div className="table-wrap tokens-wrap">
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
                  project={projectOf(token.project_id)}
                  week={{ row: usageRow(usage, token.id), days: usage?.days ?? [] }}
                  offline={offline}
                  onRevoke={() => setOpen({ kind: 'revoke', token })}
                  onEdit={() => setOpen({ kind: 'edit', token })}
                  onEditLimits={() => setOpen({ kind: 'limits', token })}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}

      {open?.kind === 'mint' ? <MintTokenDialog projects={projects} tokens={items} projectId={projectFilter} from={open.from} onClose={closeMint} /> : null}
      {open?.kind === 'revoke' ? <RevokeTokenDialog token={open.token} onClose={() => setOpen(null)} /> : null}
      {open?.kind === 'limits' ? <TokenLimitsDialog token={open.token} project={projectOf(open.token.project_id)} onClose={() => setOpen(null)} /> : null}
      {open?.kind === 'edit' ? (
        <TokenEditDialog
          token={open.token}
          project={projectOf(open.token.project_id)}
          onClose={() => setOpen(null)}
          onMintLikeThis={canMint ? () => setOpen({ kind: 'mint', from: open.token }) : undefined}
        />
      ) : null}
      {created && !open ? (
        <CreatedTokenDialog created={created} projectName={projectName(created.project_id)} proxyOrigin={proxyOrigin} onClose={dismissCreated} />
      ) : null}
    </div>
  );
}
