-- index audit_events_action_idx on audit_events
CREATE INDEX audit_events_action_idx ON audit_events (action);

-- index audit_events_project_id_idx on audit_events
CREATE INDEX audit_events_project_id_idx ON audit_events (project_id);

-- index audit_events_time_idx on audit_events
CREATE INDEX audit_events_time_idx ON audit_events (time);

-- index audit_events_token_id_idx on audit_events
CREATE INDEX audit_events_token_id_idx ON audit_events (token_id);

-- index events_dead_letters_dispatcher_idx on events_dead_letters
CREATE INDEX events_dead_letters_dispatcher_idx ON events_dead_letters (dispatcher, id);

-- index events_dead_letters_failed_at_idx on events_dead_letters
CREATE INDEX events_dead_letters_failed_at_idx ON events_dead_letters (failed_at);

-- index events_outbox_model_idx on events_outbox
CREATE INDEX events_outbox_model_idx ON events_outbox (model, time, seq);

-- index events_outbox_project_idx on events_outbox
CREATE INDEX events_outbox_project_idx ON events_outbox (project_id, time, seq);

-- index events_outbox_time_idx on events_outbox
CREATE INDEX events_outbox_time_idx ON events_outbox (time, seq);

-- index events_outbox_token_idx on events_outbox
CREATE INDEX events_outbox_token_idx ON events_outbox (token_id, time, seq);

-- index spend_hourly_project_hour_idx on spend_hourly
CREATE INDEX spend_hourly_project_hour_idx ON spend_hourly (project_id, hour);

-- index tokens_project_id_idx on tokens
CREATE INDEX tokens_project_id_idx ON tokens (project_id);

-- index usage_hourly_project_hour_idx on usage_hourly
CREATE INDEX usage_hourly_project_hour_idx ON usage_hourly (project_id, hour);

-- table admins on admins
CREATE TABLE admins (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL UNIQUE,
      role TEXT NOT NULL CHECK (role IN ('owner', 'operator', 'viewer')),
      project_ids TEXT NOT NULL DEFAULT '[]', -- JSON array of project ids (operators)
      token_hash TEXT NOT NULL UNIQUE, -- HMAC-SHA-256 of the admin's token
      token_last4 TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    );

-- table audit_events on audit_events
CREATE TABLE audit_events (
      id TEXT PRIMARY KEY,
      time INTEGER NOT NULL,
      actor TEXT NOT NULL,
      action TEXT NOT NULL,
      outcome TEXT NOT NULL,
      target_type TEXT NULL,
      target_id TEXT NULL,
      project_id TEXT NULL,
      token_id TEXT NULL,
      request_id TEXT NULL,
      client_ip TEXT NULL,
      details TEXT NOT NULL -- JSON object, already redacted
    );

-- table event_cursors on event_cursors
CREATE TABLE event_cursors (
      dispatcher TEXT PRIMARY KEY,
      position INTEGER NOT NULL, -- the last seq delivered and acknowledged
      updated_at INTEGER NOT NULL
    , lease_owner TEXT NULL, lease_until INTEGER NULL);

-- table events_dead_letters on events_dead_letters
CREATE TABLE events_dead_letters (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      dispatcher TEXT NOT NULL,
      event_id TEXT NOT NULL,
      time INTEGER NOT NULL, -- the event's time
      failed_at INTEGER NOT NULL,
      attempts INTEGER NOT NULL,
      error TEXT NOT NULL, -- why the last attempt failed (never a URL or a credential)
      payload TEXT NOT NULL
    );

-- table events_outbox on events_outbox
CREATE TABLE events_outbox (
      seq INTEGER PRIMARY KEY, -- delivery order; cursors point at it
      written_at INTEGER NOT NULL, -- epoch ms; grows with seq, so retention finds its cut by binary search
      payload TEXT NOT NULL -- the event as JSON, exactly what dispatchers deliver
    , time TEXT GENERATED ALWAYS AS (json_extract(payload, '$.time')) VIRTUAL, token_id TEXT GENERATED ALWAYS AS (json_extract(payload, '$.token_id')) VIRTUAL, project_id TEXT GENERATED ALWAYS AS (json_extract(payload, '$.project_id')) VIRTUAL, model TEXT GENERATED ALWAYS AS (json_extract(payload, '$.model')) VIRTUAL, status INTEGER GENERATED ALWAYS AS (json_extract(payload, '$.status')) VIRTUAL);

-- table project_budget_months on project_budget_months
CREATE TABLE project_budget_months (
      project_id TEXT NOT NULL REFERENCES projects(id),
      month TEXT NOT NULL, -- YYYY-MM (UTC)
      reserved_nanos INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (project_id, month)
    );

-- table projects on projects
CREATE TABLE projects (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL UNIQUE,
      provider TEXT NOT NULL DEFAULT 'openai', -- one of main/core/proxy/providers.ts, checked by the API
      base_url TEXT NOT NULL,
      is_active INTEGER NOT NULL DEFAULT 1,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      deactivated_at INTEGER NULL,
      default_rpm_limit INTEGER NULL CHECK (default_rpm_limit IS NULL OR default_rpm_limit >= 0),
      default_tpm_limit INTEGER NULL CHECK (default_tpm_limit IS NULL OR default_tpm_limit >= 0),
      shared_rpm_limit INTEGER NULL CHECK (shared_rpm_limit IS NULL OR shared_rpm_limit >= 0),
      shared_tpm_limit INTEGER NULL CHECK (shared_tpm_limit IS NULL OR shared_tpm_limit >= 0),
      shared_limit_key TEXT NULL, -- NULL = a fingerprint of the project's first upstream key
      cache_default_ttl_seconds INTEGER NULL CHECK (cache_default_ttl_seconds IS NULL OR cache_default_ttl_seconds >= 0),
      cache_shared_across_tokens INTEGER NOT NULL DEFAULT 1 CHECK (cache_shared_across_tokens IN (0, 1)),
      transformations TEXT NOT NULL DEFAULT '{}' -- JSON object (ProjectTransformations); '{}' = none
    , prices TEXT NOT NULL DEFAULT '{}', monthly_budget_usd REAL);

-- table schema_migrations on schema_migrations
CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL);

-- table settings on settings
CREATE TABLE settings (
      name TEXT PRIMARY KEY,
      value_sealed TEXT NOT NULL, -- JSON value sealed with the data key
      updated_at INTEGER NOT NULL
    );

-- table spend_hourly on spend_hourly
CREATE TABLE spend_hourly (
      hour INTEGER NOT NULL, -- epoch ms at the start of the UTC hour
      token_id TEXT NOT NULL REFERENCES tokens(id),
      project_id TEXT NOT NULL REFERENCES projects(id),
      model TEXT NOT NULL,
      spend_nanos INTEGER NOT NULL DEFAULT 0, unpriced_requests INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (hour, token_id, model)
    );

-- table tokens on tokens
CREATE TABLE tokens (
      id TEXT PRIMARY KEY,
      project_id TEXT NOT NULL REFERENCES projects(id),
      name TEXT NULL,
      token_hash TEXT NOT NULL UNIQUE,
      token_last4 TEXT NOT NULL,
      expires_at INTEGER NOT NULL,
      is_active INTEGER NOT NULL DEFAULT 1,
      max_requests INTEGER NULL,
      request_count INTEGER NOT NULL DEFAULT 0,
      allowed_models TEXT NULL, -- JSON array of glob patterns; NULL = every model
      prompt_tokens INTEGER NOT NULL DEFAULT 0,
      completion_tokens INTEGER NOT NULL DEFAULT 0,
      cache_hit_count INTEGER NOT NULL DEFAULT 0,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      last_used_at INTEGER NULL,
      revoked_at INTEGER NULL
    , rpm_limit INTEGER NULL CHECK (rpm_limit IS NULL OR rpm_limit >= 0), tpm_limit INTEGER NULL CHECK (tpm_limit IS NULL OR tpm_limit >= 0), max_concurrent INTEGER NULL CHECK (max_concurrent IS NULL OR max_concurrent >= 0), quota_reserved INTEGER NOT NULL DEFAULT 0, max_budget_usd REAL, spend_nanos INTEGER NOT NULL DEFAULT 0, budget_reserved_nanos INTEGER NOT NULL DEFAULT 0);

-- table upstream_keys on upstream_keys
CREATE TABLE upstream_keys (
      id TEXT PRIMARY KEY,
      project_id TEXT NOT NULL REFERENCES projects(id),
      label TEXT NOT NULL, -- unique within the project
      key_sealed TEXT NOT NULL, -- AES-256-GCM, associated data = the project id
      key_last4 TEXT NOT NULL,
      weight INTEGER NOT NULL DEFAULT 1 CHECK (weight BETWEEN 1 AND 1000),
      is_enabled INTEGER NOT NULL DEFAULT 1 CHECK (is_enabled IN (0, 1)),
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      last_used_at INTEGER NULL,
      request_count INTEGER NOT NULL DEFAULT 0,
      failure_count INTEGER NOT NULL DEFAULT 0,
      prompt_tokens INTEGER NOT NULL DEFAULT 0,
      completion_tokens INTEGER NOT NULL DEFAULT 0,
      last_error_at INTEGER NULL,
      last_error TEXT NULL, -- a stable code or status_<n>, never an upstream message
      CONSTRAINT upstream_keys_project_label_key UNIQUE (project_id, label)
    );

-- table usage_hourly on usage_hourly
CREATE TABLE usage_hourly (
      hour INTEGER NOT NULL, -- epoch ms at the start of the UTC hour
      token_id TEXT NOT NULL REFERENCES tokens(id),
      project_id TEXT NOT NULL REFERENCES projects(id),
      requests INTEGER NOT NULL DEFAULT 0,
      prompt_tokens INTEGER NOT NULL DEFAULT 0,
      completion_tokens INTEGER NOT NULL DEFAULT 0,
      cache_hits INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (hour, token_id)
    );

-- trigger audit_events_no_delete on audit_events
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
    BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;

-- trigger audit_events_no_update on audit_events
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
    BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
