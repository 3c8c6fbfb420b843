// The audit filter bar → an audit.list input (empty fields dropped, local date-times as UTC instants).
import type { InputOf } from '../../../main/core/api/contract.ts';
import { checkInput, type Checked } from './validate.ts';

export interface AuditFilterValues {
  action: string;
  outcome: '' | 'success' | 'failure' | 'denied';
  projectId: string;
  tokenId: string;
  /** Who acted, exactly as the trail names them: `admin:alice`, `management`, `desktop`. */
  actor: string;
  /** `datetime-local` values (local time, no zone). */
  from: string;
  to: string;
  search: string;
}

export const emptyAuditFilter: AuditFilterValues = { action: '', outcome: '', projectId: '', tokenId: '', actor: '', from: '', to: '', search: '' };

export type AuditQuery = Omit<InputOf<'audit.list'>, 'page' | 'page_size'>;

const AUDIT_FIELDS: Record<string, string> = {
  action: 'action',
  outcome: 'outcome',
  project_id: 'projectId',
  token_id: 'tokenId',
  actor: 'actor',
  from: 'from',
  to: 'to',
  search: 'search',
};
const fieldOf = (path: string) => AUDIT_FIELDS[path.split('.')[0] ?? ''] ?? '_form';

/** `2025-03-01T14:30` in the viewer's zone → an RFC 3339 instant; invalid text → the text (the schema refuses it). */
export function localToIso(value: string): string {
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? value : at.toISOString();
}

export function auditQueryOf(values: AuditFilterValues): AuditQuery {
  const query: AuditQuery = {};
  if (values.action.trim()) query.action = values.action.trim();
  if (values.outcome) query.outcome = values.outcome;
  if (values.projectId) query.project_id = values.projectId;
  if (values.tokenId.trim()) query.token_id = values.tokenId.trim();
  if (values.actor.trim()) query.actor = values.actor.trim();
  if (values.from) query.from = localToIso(values.from);
  if (values.to) query.to = localToIso(values.to);
  if (values.search.trim()) query.search = values.search.trim();
  return query;
}

export function checkAuditFilter(values: AuditFilterValues): Checked<AuditQuery> {
  const query = auditQueryOf(values);
  if (query.from && query.to && Date.parse(String(query.from)) > Date.parse(String(query.to))) {
    return { ok: false, errors: { to: 'Must be after “From”.' } };
  }
  const checked = checkInput('audit.list', query, fieldOf);
  return checked.ok ? { ok: true, value: query } : checked;
}

/** Filter values from route params (#/audit?token_id=…), so other screens can link to a filtered trail. */
export function auditFilterFromParams(params: Record<string, string>): AuditFilterValues {
  return {
    ...emptyAuditFilter,
    action: params.action ?? '',
    outcome: (['success', 'failure', 'denied'] as const).find((o) => o === params.outcome) ?? '',
    projectId: params.project_id ?? '',
    tokenId: params.token_id ?? '',
    actor: params.actor ?? '',
    search: params.search ?? '',
  };
}
