// The Tokens screen's toolbar: search (name, id, project), the project, and the state with its counts.
import type { ProjectView, TokenStatus } from '../../../main/core/api/views.ts';
import { navigate } from '../lib/router.ts';

export type StatusFilter = 'all' | TokenStatus;

const STATUS_FILTERS: { value: StatusFilter; label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'active', label: 'Active' },
  { value: 'expired', label: 'Expired' },
  { value: 'exhausted', label: 'Used up' },
  { value: 'revoked', label: 'Revoked' },
];

interface TokenFiltersProps {
  projects: ProjectView[];
  projectFilter: string;
  statusFilter: StatusFilter;
  onStatus: (f: StatusFilter) => void;
  search: string;
  onSearch: (text: string) => void;
  count: (f: StatusFilter) => number;
}

export function TokenFilters(props: TokenFiltersProps) {
  return (
    <div className="toolbar">
      <input
        type="search"
        className="input input-small toolbar-search"
        value={props.search}
        onChange={(e) => props.onSearch(e.target.value)}
        placeholder="Search name, id or project"
        aria-label="Search tokens"
        autoComplete="off"
        spellCheck={false}
      />
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
      <div className="segmented" role="group" aria-label="State">
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
