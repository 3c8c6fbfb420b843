// Projects (upstream credentials), withering tokens and the append-only audit trail.
// Projects are only ever deactivated, never deleted, so foreign keys need no cascade.
import type { Database } from 'better-sqlite3';

export function up(db: Database): void {
  db.exec(`
    CREATE TABLE projects (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL UNIQUE,
      provider TEXT NOT NULL DEFAULT 'openai' CHECK (provider IN ('openai', 'anthropic')),
      base_url TEXT NOT NULL,
      api_key_sealed TEXT NOT NULL,
      api_key_last4 TEXT NOT NULL,
      is_active INTEGER NOT NULL DEFAULT 1,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      deactivated_at INTEGER NULL
    );

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
    );
    CREATE INDEX tokens_project_id_idx ON tokens (project_id);

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
    CREATE INDEX audit_events_time_idx ON audit_events (time);
    CREATE INDEX audit_events_action_idx ON audit_events (action);
    CREATE INDEX audit_events_project_id_idx ON audit_events (project_id);
    CREATE INDEX audit_events_token_id_idx ON audit_events (token_id);

    -- The audit trail is evidence: once written, a row can be neither changed nor removed.
    CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
    BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
    CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
    BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
  `);
}

export function down(db: Database): void {
  db.exec(`
    DROP TABLE audit_events;
    DROP TABLE tokens;
    DROP TABLE projects;
  `);
}

// PostgreSQL: BIGINT epoch ms, BOOLEAN flags, and the append-only rule as PL/pgSQL triggers
// (TRUNCATE included, which PostgreSQL would otherwise allow past row triggers).
export const postgres = {
  async up(exec: (sql: string) => Promise<void>): Promise<void> {
    await exec(`
      CREATE TABLE projects (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        provider TEXT NOT NULL DEFAULT 'openai' CHECK (provider IN ('openai', 'anthropic')),
        base_url TEXT NOT NULL,
        api_key_sealed TEXT NOT NULL,
        api_key_last4 TEXT NOT NULL,
        is_active BOOLEAN NOT NULL DEFAULT TRUE,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        deactivated_at BIGINT NULL
      );

      CREATE TABLE tokens (
        id TEXT PRIMARY KEY,
        project_id TEXT NOT NULL REFERENCES projects(id),
        name TEXT NULL,
        token_hash TEXT NOT NULL UNIQUE,
        token_last4 TEXT NOT NULL,
        expires_at BIGINT NOT NULL,
        is_active BOOLEAN NOT NULL DEFAULT TRUE,
        max_requests BIGINT NULL,
        request_count BIGINT NOT NULL DEFAULT 0,
        allowed_models TEXT NULL,
        prompt_tokens BIGINT NOT NULL DEFAULT 0,
        completion_tokens BIGINT NOT NULL DEFAULT 0,
        cache_hit_count BIGINT NOT NULL DEFAULT 0,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        last_used_at BIGINT NULL,
        revoked_at BIGINT NULL
      );
      CREATE INDEX tokens_project_id_idx ON tokens (project_id);

      CREATE TABLE audit_events (
        id TEXT PRIMARY KEY,
        time BIGINT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        outcome TEXT NOT NULL,
        target_type TEXT NULL,
        target_id TEXT NULL,
        project_id TEXT NULL,
        token_id TEXT NULL,
        request_id TEXT NULL,
        client_ip TEXT NULL,
        details TEXT NOT NULL
      );
      CREATE INDEX audit_events_time_idx ON audit_events (time);
      CREATE INDEX audit_events_action_idx ON audit_events (action);
      CREATE INDEX audit_events_project_id_idx ON audit_events (project_id);
      CREATE INDEX audit_events_token_id_idx ON audit_events (token_id);

      CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_events is append-only';
      END
      $$;
      CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
        FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
      CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
        FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
      CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
        FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
    `);
  },
  async down(exec: (sql: string) => Promise<void>): Promise<void> {
    await exec(`
      DROP TABLE audit_events;
      DROP FUNCTION audit_events_append_only();
      DROP TABLE tokens;
      DROP TABLE projects;
    `);
  },
};
