// The request log's filter form: values as typed, the query they make, and route params (#/requests?token_id=…).
import type { InputOf } from '../../../main/core/api/contract.ts';
import { localToIso } from './audit-filter.ts';
import { checkInput, type Checked } from './validate.ts';

export interface RequestFilterValues {
  projectId: string;
  tokenId: string;
  model: string;
  /** '' (any), a class such as `4xx`, or a code such as `429`. */
  status: string;
  from: string;
  to: string;
}

export const emptyRequestFilter: RequestFilterValues = { projectId: '', tokenId: '', model: '', status: '', from: '', to: '' };

export type RequestQuery = Omit<InputOf<'requests.list'>, 'page' | 'page_size'>;

const FIELDS: Record<string, keyof RequestFilterValues> = {
  project_id: 'projectId',
  token_id: 'tokenId',
  model: 'model',
  status: 'status',
  from: 'from',
  to: 'to',
};
const fieldOf = (path: string) => FIELDS[path.split('.')[0] ?? ''] ?? '_form';

export function requestQueryOf(values: RequestFilterValues): RequestQuery {
  const query: RequestQuery = {};
  if (values.projectId) query.project_id = values.projectId;
  if (values.tokenId.trim()) query.token_id = values.tokenId.trim();
  if (values.model.trim()) query.model = values.model.trim();
  if (values.status.trim()) query.status = values.status.trim();
  if (values.from) query.from = localToIso(values.from);
  if (values.to) query.to = localToIso(values.to);
  return query;
}

export function checkRequestFilter(values: RequestFilterValues): Checked<RequestQuery> {
  const query = requestQueryOf(values);
  if (query.from && query.to && Date.parse(String(query.from)) > Date.parse(String(query.to))) return { ok: false, errors: { to: 'Must be after “From”.' } };
  const checked = checkInput('requests.list', query, fieldOf);
  return checked.ok ? { ok: true, value: query } : checked;
}

export function requestFilterFromParams(params: Record<string, string>): RequestFilterValues {
  return { ...emptyRequestFilter, projectId: params.project_id ?? '', tokenId: params.token_id ?? '', model: params.model ?? '', status: params.status ?? '' };
}
