// Test helper: views as the server would send them.
import type { AuditEventView, ProjectView, TokenView, UpstreamKeyView } from '../../../main/core/api/views.ts';

let n = 0;
const uuid = () => `0190a000-0000-7000-8000-${String(++n).padStart(12, '0')}`;

export function projectView(over: Partial<ProjectView> = {}): ProjectView {
  return {
    id: uuid(),
    name: 'research',
    provider: 'openai',
    base_url: 'https://api.openai.com',
    api_key: 'sk-…wxyz',
    key_count: 1,
    transformations: {},
    is_active: true,
    created_at: '2025-01-01T10:00:00.000Z',
    updated_at: '2025-01-01T10:00:00.000Z',
    deactivated_at: null,
    default_rpm_limit: null,
    default_tpm_limit: null,
    shared_rpm_limit: null,
    shared_tpm_limit: null,
    shared_limit_key: null,
    cache_default_ttl_seconds: null,
    cache_shared_across_tokens: true,
    prices: {},
    monthly_budget_usd: null,
    spend_usd: 0,
    month_spend_usd: 0,
    ...over,
  };
}

export function keyView(over: Partial<UpstreamKeyView> = {}): UpstreamKeyView {
  return {
    id: uuid(),
    project_id: uuid(),
    label: 'default',
    key: 'sk-…wxyz',
    weight: 1,
    is_enabled: true,
    health: 'healthy',
    cooling_down_until: null,
    last_error: null,
    last_error_at: null,
    last_used_at: null,
    request_count: 0,
    failure_count: 0,
    prompt_tokens: 0,
    completion_tokens: 0,
    created_at: '2025-01-01T10:00:00.000Z',
    updated_at: '2025-01-01T10:00:00.000Z',
    ...over,
  };
}

export function tokenView(over: Partial<TokenView> = {}): TokenView {
  return {
    id: uuid(),
    name: 'notebook',
    token: 'llmp_…abcd',
    project_id: uuid(),
    expires_at: '2025-01-01T18:00:00.000Z',
    is_active: true,
    status: 'active',
    request_count: 0,
    max_requests: null,
    allowed_models: null,
    prompt_tokens: 0,
    completion_tokens: 0,
    cache_hit_count: 0,
    created_at: '2025-01-01T10:00:00.000Z',
    last_used_at: null,
    revoked_at: null,
    rpm_limit: null,
    tpm_limit: null,
    max_concurrent: null,
    max_budget_usd: null,
    spend_usd: 0,
    ...over,
  };
}

export function auditEvent(over: Partial<AuditEventView> = {}): AuditEventView {
  return {
    id: uuid(),
    time: '2025-01-01T10:00:00.000Z',
    actor: 'management',
    action: 'token.create',
    outcome: 'success',
    target_type: 'token',
    target_id: null,
    project_id: null,
    token_id: null,
    request_id: null,
    client_ip: '127.0.0.1',
    details: {},
    target_label: null,
    ...over,
  };
}
