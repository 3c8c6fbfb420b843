// "51–100 of 213", previous and next.
import type { AuditPageView } from '../../../main/core/api/views.ts';
import { ChevronLeftIcon, ChevronRightIcon } from '../components/icons.tsx';

export function Pager({
  page,
  pageSize,
  pagination,
  onPage,
  busy,
}: {
  page: number;
  pageSize: number;
  pagination: AuditPageView['pagination'];
  onPage: (page: number) => void;
  busy: boolean;
}) {
  const first = pagination.total_count === 0 ? 0 : (page - 1) * pageSize + 1;
  const last = Math.min(pagination.total_count, page * pageSize);
  return (
    <nav className="pager" aria-label="Pages">
      <span className="pager-range" aria-live="polite">
        <strong>
          {first.toLocaleString('en')}–{last.toLocaleString('en')}
        </strong>{' '}
        of {pagination.total_count.toLocaleString('en')} events
      </span>
      <span className="pager-buttons">
        <span className="muted small">
          Page {page} of {pagination.total_pages}
        </span>
        <button type="button" className="btn btn-small" onClick={() => onPage(page - 1)} disabled={!pagination.has_prev || busy}>
          <ChevronLeftIcon /> Newer
        </button>
        <button type="button" className="btn btn-small" onClick={() => onPage(page + 1)} disabled={!pagination.has_next || busy}>
          Older <ChevronRightIcon />
        </button>
      </span>
    </nav>
  );
}
