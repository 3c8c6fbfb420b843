// The request log: every proxied request (refusals included) with its token, model, usage, cost and
// latency; filter, page, open one, export what the filter matches as CSV.
import { useEffect, useMemo, useState } from 'react';
import type { RequestLogItemView } from '../../../main/core/api/request-views.ts';
import { DownloadIcon } from '../components/icons.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { Empty, LoadFailed, Loading, Spinner } from '../components/states.tsx';
import { TimeAgo } from '../components/time-ago.tsx';
import { requestFilterFromParams, requestQueryOf } from '../forms/requests-filter.ts';
import { downloadText } from '../lib/download.ts';
import { requestsCsvFileName } from '../lib/requests-csv.ts';
import { costText, statusText } from '../lib/requests-text.ts';
import { useRoute } from '../lib/router.ts';
import { useAction } from '../lib/use-action.ts';
import { notify } from '../stores/notices.ts';
import { useProjects } from '../stores/projects.ts';
import { REQUESTS_PAGE_SIZE, useRequests } from '../stores/requests.ts';
import { useTokens } from '../stores/tokens.ts';
import { Pager } from './pager.tsx';
import { RequestDetailDialog } from './request-detail-dialog.tsx';
import { RequestsFilterBar } from './requests-filter-bar.tsx';

export function RequestsScreen() {
  const params = useRoute((s) => s.params);
  const { result, status, error, page, query, opened, load, applyFilter, goToPage, open, close, exportCsv } = useRequests();
  const projects = useProjects((s) => s.items);
  const tokens = useTokens((s) => s.items);
  // Other screens link here with a filter (#/requests?token_id=…); a new link starts from its filter.
  const filterKey = JSON.stringify(params);
  const initialFilter = useMemo(() => requestFilterFromParams(JSON.parse(filterKey) as Record<string, string>), [filterKey]);
  const [progress, setProgress] = useState<string | null>(null);

  useEffect(() => {
    void applyFilter(requestQueryOf(initialFilter));
  }, [applyFilter, initialFilter]);
  useEffect(() => {
    void useProjects.getState().load({ quiet: true });
    void useTokens.getState().load({ quiet: true });
  }, []);

  const exporting = useAction(async () => {
    setProgress('Starting…');
    try {
      const { csv, count } = await exportCsv((done, total) => setProgress(`${done.toLocaleString('en')} of ${total.toLocaleString('en')}`));
      downloadText(requestsCsvFileName(new Date()), csv);
      notify('success', `Exported ${count.toLocaleString('en')} request${count === 1 ? '' : 's'} as CSV`);
    } finally {
      setProgress(null);
    }
  });
  useEffect(() => {
    if (exporting.error) notify('error', `Export failed: ${exporting.error.message}`);
  }, [exporting.error]);

  const projectName = (id: string | null) => (id ? (projects.find((p) => p.id === id)?.name ?? null) : null);
  const tokenName = (id: string | null) => {
    const token = id ? tokens.find((t) => t.id === id) : undefined;
    return token ? (token.name ?? token.token) : null;
  };
  const totalPages = result ? Math.max(1, Math.ceil(result.total / REQUESTS_PAGE_SIZE)) : 1;
  const pagination = result
    ? { page, page_size: REQUESTS_PAGE_SIZE, total_count: result.total, total_pages: totalPages, has_next: page < totalPages, has_prev: page > 1 }
    : null;

  return (
    <div className="screen">
      <PageHeader
        title="Requests"
        subtitle="Every request through the proxy, refused ones too: who, which model, tokens, cost and time. Never the prompt or the answer."
        actions={
          <button type="button" className="btn" onClick={() => void exporting.run()} disabled={exporting.pending || !result || result.total === 0}>
            {exporting.pending ? <Spinner /> : <DownloadIcon />}
            {exporting.pending ? `Exporting ${progress ?? '…'}` : 'Export CSV'}
          </button>
        }
      />
      <RequestsFilterBar key={filterKey} initial={initialFilter} projects={projects} tokens={tokens} onApply={(q) => void applyFilter(q)} />

      {status === 'loading' && !result ? (
        <Loading label="Loading requests…" />
      ) : status === 'error' ? (
        <LoadFailed error={error} onRetry={() => void load()} />
      ) : !result || result.items.length === 0 || !pagination ? (
        <Empty title="No requests match">
          {Object.keys(query).length
            ? 'Try a wider time range or fewer filters.'
            : 'Requests through the proxy show up here (kept for the event retention, 30 days by default).'}
        </Empty>
      ) : (
        <>
          <div className={status === 'loading' ? 'table-wrap table-stack is-refreshing' : 'table-wrap table-stack'} aria-busy={status === 'loading'}>
            <table className="table requests-table">
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Status</th>
                  <th scope="col">Model</th>
                  <th scope="col">Token</th>
                  <th scope="col">Tokens in / out</th>
                  <th scope="col">Cost</th>
                  <th scope="col">Latency</th>
                  <th scope="col">Cache</th>
                </tr>
              </thead>
              <tbody>
                {result.items.map((item) => (
                  <RequestRow key={item.id} item={item} token={tokenName(item.token_id)} onOpen={() => open(item)} />
                ))}
              </tbody>
            </table>
          </div>
          <Pager page={page} pageSize={REQUESTS_PAGE_SIZE} pagination={pagination} onPage={(p) => void goToPage(p)} busy={status === 'loading'} />
        </>
      )}

      {opened ? <RequestDetailDialog item={opened} projectName={projectName} tokenName={tokenName} onClose={close} /> : null}
    </div>
  );
}

function RequestRow({ item, token, onOpen }: { item: RequestLogItemView; token: string | null; onOpen: () => void }) {
  return (
    <tr className="audit-row" onClick={onOpen}>
      <td className="nowrap" data-label="Time">
        <button type="button" className="link-button" onClick={(e) => (e.stopPropagation(), onOpen())} aria-label={`Request ${item.request_id}`}>
          <TimeAgo value={item.time} />
        </button>
      </td>
      <td className="nowrap" data-label="Status">
        <span className={item.status >= 400 ? 'badge badge-outcome-failure' : 'badge badge-outcome-success'}>{statusText(item)}</span>
      </td>
      <td className="truncate mono small" data-label="Model">
        {item.model ?? '—'}
      </td>
      <td className="truncate" data-label="Token" title={item.token_id ?? undefined}>
        {token ?? (item.token_id ? `${item.token_id.slice(0, 8)}…` : '—')}
      </td>
      <td className="nowrap" data-label="Tokens">
        {item.prompt_tokens === null && item.completion_tokens === null ? '—' : `${item.prompt_tokens ?? 0} / ${item.completion_tokens ?? 0}`}
      </td>
      <td className="nowrap" data-label="Cost">
        {costText(item.cost_usd)}
      </td>
      <td className="nowrap" data-label="Latency">{`${Math.round(item.latency_ms)} ms`}</td>
      <td data-label="Cache">{item.cache ?? '—'}</td>
    </tr>
  );
}
