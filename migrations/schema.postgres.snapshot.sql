-- table admins
id text NOT NULL
name text NOT NULL
role text NOT NULL
project_ids text NOT NULL DEFAULT '[]'::text
token_hash text NOT NULL
token_last4 text NOT NULL
created_at bigint NOT NULL
updated_at bigint NOT NULL

-- table audit_events
id text NOT NULL
time bigint NOT NULL
actor text NOT NULL
action text NOT NULL
outcome text NOT NULL
target_type text
target_id text
project_id text
token_id text
request_id text
client_ip text
details text NOT NULL

-- table event_cursors
dispatcher text NOT NULL
position bigint NOT NULL
updated_at bigint NOT NULL
lease_owner text
lease_until bigint

-- table events_dead_letters
id bigint NOT NULL GENERATED ALWAYS AS IDENTITY
dispatcher text NOT NULL
event_id text NOT NULL
time bigint NOT NULL
failed_at bigint NOT NULL
attempts integer NOT NULL
error text NOT NULL
payload text NOT NULL

-- table events_outbox
seq bigint NOT NULL GENERATED ALWAYS AS IDENTITY
written_at bigint NOT NULL
payload text NOT NULL
time text
token_id text
project_id text
model text
status integer

-- table project_budget_months
project_id text NOT NULL
month text NOT NULL
reserved_nanos bigint NOT NULL DEFAULT 0

-- table projects
id text NOT NULL
name text NOT NULL
provider text NOT NULL DEFAULT 'openai'::text
base_url text NOT NULL
is_active boolean NOT NULL DEFAULT true
created_at bigint NOT NULL
updated_at bigint NOT NULL
deactivated_at bigint
default_rpm_limit integer
default_tpm_limit integer
shared_rpm_limit integer
shared_tpm_limit integer
shared_limit_key text
cache_default_ttl_seconds integer
cache_shared_across_tokens boolean NOT NULL DEFAULT true
transformations text NOT NULL DEFAULT '{}'::text
prices text NOT NULL DEFAULT '{}'::text
monthly_budget_usd double precision

-- table schema_migrations
name text NOT NULL
applied_at bigint NOT NULL

-- table settings
name text NOT NULL
value_sealed text NOT NULL
updated_at bigint NOT NULL

-- table spend_hourly
hour bigint NOT NULL
token_id text NOT NULL
project_id text NOT NULL
model text NOT NULL
spend_nanos bigint NOT NULL DEFAULT 0
unpriced_requests bigint NOT NULL DEFAULT 0

-- table tokens
id text NOT NULL
project_id text NOT NULL
name text
token_hash text NOT NULL
token_last4 text NOT NULL
expires_at bigint NOT NULL
is_active boolean NOT NULL DEFAULT true
max_requests bigint
request_count bigint NOT NULL DEFAULT 0
allowed_models text
prompt_tokens bigint NOT NULL DEFAULT 0
completion_tokens bigint NOT NULL DEFAULT 0
cache_hit_count bigint NOT NULL DEFAULT 0
created_at bigint NOT NULL
updated_at bigint NOT NULL
last_used_at bigint
revoked_at bigint
rpm_limit integer
tpm_limit integer
max_concurrent integer
quota_reserved bigint NOT NULL DEFAULT 0
max_budget_usd double precision
spend_nanos bigint NOT NULL DEFAULT 0
budget_reserved_nanos bigint NOT NULL DEFAULT 0

-- table upstream_keys
id text NOT NULL
project_id text NOT NULL
label text NOT NULL
key_sealed text NOT NULL
key_last4 text NOT NULL
weight integer NOT NULL DEFAULT 1
is_enabled boolean NOT NULL DEFAULT true
created_at bigint NOT NULL
updated_at bigint NOT NULL
last_used_at bigint
request_count bigint NOT NULL DEFAULT 0
failure_count bigint NOT NULL DEFAULT 0
prompt_tokens bigint NOT NULL DEFAULT 0
completion_tokens bigint NOT NULL DEFAULT 0
last_error_at bigint
last_error text

-- table usage_hourly
hour bigint NOT NULL
token_id text NOT NULL
project_id text NOT NULL
requests bigint NOT NULL DEFAULT 0
prompt_tokens bigint NOT NULL DEFAULT 0
completion_tokens bigint NOT NULL DEFAULT 0
cache_hits bigint NOT NULL DEFAULT 0

-- constraints
admins.admins_name_key: UNIQUE (name)
admins.admins_pkey: PRIMARY KEY (id)
admins.admins_role_check: CHECK (role = ANY (ARRAY['owner'::text, 'operator'::text, 'viewer'::text]))
admins.admins_token_hash_key: UNIQUE (token_hash)
audit_events.audit_events_pkey: PRIMARY KEY (id)
event_cursors.event_cursors_pkey: PRIMARY KEY (dispatcher)
events_dead_letters.events_dead_letters_pkey: PRIMARY KEY (id)
events_outbox.events_outbox_pkey: PRIMARY KEY (seq)
project_budget_months.project_budget_months_pkey: PRIMARY KEY (project_id, month)
project_budget_months.project_budget_months_project_id_fkey: FOREIGN KEY (project_id) REFERENCES projects(id)
projects.projects_cache_default_ttl_seconds_check: CHECK (cache_default_ttl_seconds IS NULL OR cache_default_ttl_seconds >= 0)
projects.projects_default_rpm_limit_check: CHECK (default_rpm_limit IS NULL OR default_rpm_limit >= 0)
projects.projects_default_tpm_limit_check: CHECK (default_tpm_limit IS NULL OR default_tpm_limit >= 0)
projects.projects_name_key: UNIQUE (name)
projects.projects_pkey: PRIMARY KEY (id)
projects.projects_shared_rpm_limit_check: CHECK (shared_rpm_limit IS NULL OR shared_rpm_limit >= 0)
projects.projects_shared_tpm_limit_check: CHECK (shared_tpm_limit IS NULL OR shared_tpm_limit >= 0)
schema_migrations.schema_migrations_pkey: PRIMARY KEY (name)
settings.settings_pkey: PRIMARY KEY (name)
spend_hourly.spend_hourly_pkey: PRIMARY KEY (hour, token_id, model)
spend_hourly.spend_hourly_project_id_fkey: FOREIGN KEY (project_id) REFERENCES projects(id)
spend_hourly.spend_hourly_token_id_fkey: FOREIGN KEY (token_id) REFERENCES tokens(id)
tokens.tokens_max_concurrent_check: CHECK (max_concurrent IS NULL OR max_concurrent >= 0)
tokens.tokens_pkey: PRIMARY KEY (id)
tokens.tokens_project_id_fkey: FOREIGN KEY (project_id) REFERENCES projects(id)
tokens.tokens_rpm_limit_check: CHECK (rpm_limit IS NULL OR rpm_limit >= 0)
tokens.tokens_token_hash_key: UNIQUE (token_hash)
tokens.tokens_tpm_limit_check: CHECK (tpm_limit IS NULL OR tpm_limit >= 0)
upstream_keys.upstream_keys_pkey: PRIMARY KEY (id)
upstream_keys.upstream_keys_project_id_fkey: FOREIGN KEY (project_id) REFERENCES projects(id)
upstream_keys.upstream_keys_project_label_key: UNIQUE (project_id, label)
upstream_keys.upstream_keys_weight_check: CHECK (weight >= 1 AND weight <= 1000)
usage_hourly.usage_hourly_pkey: PRIMARY KEY (hour, token_id)
usage_hourly.usage_hourly_project_id_fkey: FOREIGN KEY (project_id) REFERENCES projects(id)
usage_hourly.usage_hourly_token_id_fkey: FOREIGN KEY (token_id) REFERENCES tokens(id)

-- indexes
CREATE UNIQUE INDEX admins_name_key ON admins USING btree (name);
CREATE UNIQUE INDEX admins_pkey ON admins USING btree (id);
CREATE UNIQUE INDEX admins_token_hash_key ON admins USING btree (token_hash);
CREATE INDEX audit_events_action_idx ON audit_events USING btree (action);
CREATE UNIQUE INDEX audit_events_pkey ON audit_events USING btree (id);
CREATE INDEX audit_events_project_id_idx ON audit_events USING btree (project_id);
CREATE INDEX audit_events_time_idx ON audit_events USING btree ("time");
CREATE INDEX audit_events_token_id_idx ON audit_events USING btree (token_id);
CREATE UNIQUE INDEX event_cursors_pkey ON event_cursors USING btree (dispatcher);
CREATE INDEX events_dead_letters_dispatcher_idx ON events_dead_letters USING btree (dispatcher, id);
CREATE INDEX events_dead_letters_failed_at_idx ON events_dead_letters USING btree (failed_at);
CREATE UNIQUE INDEX events_dead_letters_pkey ON events_dead_letters USING btree (id);
CREATE INDEX events_outbox_model_idx ON events_outbox USING btree (model, "time", seq);
CREATE UNIQUE INDEX events_outbox_pkey ON events_outbox USING btree (seq);
CREATE INDEX events_outbox_project_idx ON events_outbox USING btree (project_id, "time", seq);
CREATE INDEX events_outbox_time_idx ON events_outbox USING btree ("time", seq);
CREATE INDEX events_outbox_token_idx ON events_outbox USING btree (token_id, "time", seq);
CREATE UNIQUE INDEX project_budget_months_pkey ON project_budget_months USING btree (project_id, month);
CREATE UNIQUE INDEX projects_name_key ON projects USING btree (name);
CREATE UNIQUE INDEX projects_pkey ON projects USING btree (id);
CREATE UNIQUE INDEX schema_migrations_pkey ON schema_migrations USING btree (name);
CREATE UNIQUE INDEX settings_pkey ON settings USING btree (name);
CREATE UNIQUE INDEX spend_hourly_pkey ON spend_hourly USING btree (hour, token_id, model);
CREATE INDEX spend_hourly_project_hour_idx ON spend_hourly USING btree (project_id, hour);
CREATE UNIQUE INDEX tokens_pkey ON tokens USING btree (id);
CREATE INDEX tokens_project_id_idx ON tokens USING btree (project_id);
CREATE UNIQUE INDEX tokens_token_hash_key ON tokens USING btree (token_hash);
CREATE UNIQUE INDEX upstream_keys_pkey ON upstream_keys USING btree (id);
CREATE UNIQUE INDEX upstream_keys_project_label_key ON upstream_keys USING btree (project_id, label);
CREATE UNIQUE INDEX usage_hourly_pkey ON usage_hourly USING btree (hour, token_id);
CREATE INDEX usage_hourly_project_hour_idx ON usage_hourly USING btree (project_id, hour);

-- triggers
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();

-- functions
CREATE OR REPLACE FUNCTION audit_events_append_only()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
      BEGIN
        RAISE EXCEPTION 'audit_events is append-only';
      END
      $function$
