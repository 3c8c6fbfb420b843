// Status in colour and words (never colour alone).
import type { TokenStatus } from '../../../main/core/api/views.ts';

const TOKEN_LABELS: Record<TokenStatus, string> = { active: 'Active', expired: 'Expired', revoked: 'Revoked', exhausted: 'Used up' };

export function TokenStatusBadge({ status }: { status: TokenStatus }) {
  return <span className={`badge badge-${status}`}>{TOKEN_LABELS[status]}</span>;
}

export function ProjectStatusBadge({ active }: { active: boolean }) {
  return <span className={`badge ${active ? 'badge-active' : 'badge-inactive'}`}>{active ? 'Active' : 'Inactive'}</span>;
}

const OUTCOME_LABELS = { success: 'Success', failure: 'Failed', denied: 'Denied' } as const;

export function OutcomeBadge({ outcome }: { outcome: keyof typeof OUTCOME_LABELS }) {
  return <span className={`badge badge-outcome-${outcome}`}>{OUTCOME_LABELS[outcome]}</span>;
}
