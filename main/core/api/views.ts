// What the outside world sees of projects, tokens and audit events: snake_case JSON, RFC 3339 times,
// upstream keys and tokens always masked. Shared by REST, IPC, the CLI and the screens.

export interface ProjectView {
  id: string;
  name: string;
  provider: 'openai' | 'anthropic';
  base_url: string;
  /** Always masked, for example `sk-…wxyz`. */
  api_key: string;
  is_active: boolean;
  created_at: string;
  updated_at: string;
  deactivated_at: string | null;
}

export type TokenStatus = 'active' | 'expired' | 'revoked' | 'exhausted';

export interface TokenView {
  id: string;
  name: string | null;
  /** Masked (`llmp_…abcd`), except in the answer to tokens.create. */
  token: string;
  project_id: string;
  expires_at: string;
  is_active: boolean;
  status: TokenStatus;
  request_count: number;
  max_requests: number | null;
  allowed_models: string[] | null;
  prompt_tokens: number;
  completion_tokens: number;
  cache_hit_count: number;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface CreatedTokenView extends TokenView {
  /** Shown once: the full token. */
  token: string;
}

export interface RevokeResultView {
  revoked_count: number;
  already_revoked_count: number;
  total_tokens: number;
}

export interface AuditEventView {
  id: string;
  time: string;
  actor: string;
  action: string;
  outcome: 'success' | 'failure' | 'denied';
  target_type: string | null;
  target_id: string | null;
  project_id: string | null;
  token_id: string | null;
  request_id: string | null;
  client_ip: string | null;
  details: Record<string, unknown>;
}

export interface AuditPageView {
  events: AuditEventView[];
  pagination: { page: number; page_size: number; total_count: number; total_pages: number; has_next: boolean; has_prev: boolean };
}

export interface SystemInfoView {
  version: string;
  data_dir: string;
  listen_url: string;
  admin_url: string;
  database: { kind: 'sqlite' | 'postgres'; location: string; schema_version: string | null };
  started_at: string;
}

export interface DashboardView {
  projects: { total: number; active: number };
  tokens: { active: number; total: number };
  requests_today: number;
  recent_audit: AuditEventView[];
}
