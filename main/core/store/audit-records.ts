// The audit_events row as both databases hold it (snake_case, details as JSON text), and its mapping
// to and from AuditRow. Shared by the SQLite and PostgreSQL repositories.
import type { AuditOutcome, AuditRow } from './types.ts';

export interface AuditRecord {
  id: string;
  time: number;
  actor: string;
  action: string;
  outcome: AuditOutcome;
  target_type: string | null;
  target_id: string | null;
  project_id: string | null;
  token_id: string | null;
  request_id: string | null;
  client_ip: string | null;
  details: string;
}

export function toAuditRow(r: AuditRecord): AuditRow {
  return {
    id: r.id,
    time: r.time,
    actor: r.actor,
    action: r.action,
    outcome: r.outcome,
    targetType: r.target_type,
    targetId: r.target_id,
    projectId: r.project_id,
    tokenId: r.token_id,
    requestId: r.request_id,
    clientIp: r.client_ip,
    details: JSON.parse(r.details) as Record<string, unknown>,
  };
}

export function toAuditRecord(e: AuditRow): AuditRecord {
  return {
    id: e.id,
    time: e.time,
    actor: e.actor,
    action: e.action,
    outcome: e.outcome,
    target_type: e.targetType,
    target_id: e.targetId,
    project_id: e.projectId,
    token_id: e.tokenId,
    request_id: e.requestId,
    client_ip: e.clientIp,
    details: JSON.stringify(e.details),
  };
}
