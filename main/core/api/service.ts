// The AdminApi service: every management capability, once. REST, IPC and the CLI reach it through
// `callAdmin`, which validates the input, runs the handler and audits every change (and failed change).
import type { AuditLog } from '../audit/audit-log.ts';
import type { EventHandlers } from '../events/admin-handlers.ts';
import type { PurgeSelector } from '../cache/keys.ts';
import type { ResponseCache } from '../cache/response-cache.ts';
import type { Clock } from '../clock.ts';
import { AppError, isAppError } from '../errors.ts';
import { isUuid, newId } from '../ids.ts';
import type { KeyHealth } from '../proxy/key-selector.ts';
import { providers } from '../proxy/providers.ts';
import type { Sealer } from '../secrets/sealer.ts';
import { definedOnly } from '../store/row-changes.ts';
import type { Provider, ProjectChanges, ProjectRow, Store, TokenChanges } from '../store/types.ts';
import { mintToken, type TokenHasher } from '../tokens/format.ts';
import type { TokenGate } from '../tokens/token-gate.ts';
import { adminContract, type AdminMethod, type OutputOf, type ParsedInputOf } from './contract.ts';
import { presentAudit, presentProject, presentToken } from './present.ts';
import { transformationFields, transformationsFromInput } from './transformations.ts';
import { createUpstreamKeyHandlers, DEFAULT_KEY_LABEL, lastFour } from './upstream-key-handlers.ts';
import { parseInput } from './validate.ts';
import type { SystemInfoView } from './views.ts';

export interface CallContext {
  /** 'management' (REST with the management token), 'desktop' (IPC), 'cli'. */
  actor: string;
  requestId: string | null;
  clientIp: string | null;
}

export type AdminHandlers = { [M in AdminMethod]: (input: ParsedInputOf<M>, ctx: CallContext) => Promise<OutputOf<M>> };

export interface AdminServiceDeps {
  store: Store;
  sealer: Sealer;
  hash: TokenHasher;
  gate: TokenGate;
  audit: AuditLog;
  clock: Clock;
  /** The response cache (stats and purge). */
  cache: Pick<ResponseCache, 'stats' | 'purge'>;
  systemInfo: () => Omit<SystemInfoView, 'database'>;
  requestsSince: (since: number) => Promise<number>;
  /** Live dashboard, event delivery and daily usage (main/core/events/admin-handlers.ts). */
  eventHandlers: EventHandlers;
  /**
   * This instance's health of each upstream key (main/core/proxy/key-selector.ts), shown in key views;
   * forgotten when a key is rotated or removed.
   */
  keyHealth: Pick<KeyHealth, 'status' | 'forget'>;
}

/** Where a provider without a default base URL is usually found, for the error that asks for one. */
const BASE_URL_EXAMPLES: Partial<Record<Provider, string>> = {
  'openai-compatible': 'http://127.0.0.1:11434 for Ollama, http://127.0.0.1:8000 for vLLM, http://127.0.0.1:1234 for LM Studio',
  azure: 'https://<resource>.openai.azure.com/openai',
};

function baseUrlFor(provider: Provider, given: string | undefined): string {
  const baseUrl = given ?? providers[provider].defaultBaseUrl;
  if (baseUrl) return baseUrl;
  const example = BASE_URL_EXAMPLES[provider];
  const message = `is required for ${providers[provider].label} projects${example ? ` (for example ${example})` : ''}`;
  throw new AppError('validation_failed', `Invalid input: base_url: ${message}`, [{ path: 'base_url', message }]);
}

export function createAdminService(deps: AdminServiceDeps): AdminHandlers {
  const { store, sealer, gate, audit, clock, keyHealth } = deps;

  const projectOrThrow = async (id: string) => {
    const row = await store.projects.get(id);
    if (!row) throw new AppError('project_not_found', `No project with id ${id}`);
    return row;
  };
  const tokenOrThrow = async (id: string) => {
    const row = await store.tokens.get(id);
    if (!row) throw new AppError('token_not_found', `No token with id ${id}`);
    return row;
  };
  const present = async (row: ProjectRow) => presentProject(row, await store.upstreamKeys.listForProject(row.id));

  return {
    ...deps.eventHandlers,
    ...createUpstreamKeyHandlers({ store, sealer, gate, audit, clock, keyHealth, projectOrThrow }),
    async 'projects.list'() {
      const [rows, keys] = await Promise.all([store.projects.list(), store.upstreamKeys.listAllByProject()]);
      return rows.map((row) => presentProject(row, keys.get(row.id) ?? []));
    },
    async 'projects.get'({ id }) {
      return present(await projectOrThrow(id));
    },
    async 'projects.create'(input, ctx) {
      const now = clock.now();
      const id = newId(now);
      const provider = input.provider ?? 'openai';
      const baseUrl = baseUrlFor(provider, input.base_url);
      const transformations = transformationsFromInput(input.transformations);
      const firstKey = {
        id: newId(now),
        projectId: id,
        label: input.key_label ?? DEFAULT_KEY_LABEL,
        keySealed: sealer.seal(input.api_key, id),
        keyLast4: lastFour(input.api_key),
        weight: 1,
        isEnabled: true,
        createdAt: now,
      };
      const row = await store.projects.create(
        { id, name: input.name, provider, baseUrl, isActive: true, createdAt: now, transformations, ...projectLimitChanges(input), ...projectCacheChanges(input) },
        [firstKey],
      );
      await audit.record({
        ...auditBase(ctx),
        action: 'project.create',
        outcome: 'success',
        targetType: 'project',
        targetId: id,
        projectId: id,
        details: {
          name: row.name,
          provider: row.provider,
          base_url: row.baseUrl,
          key_label: firstKey.label,
          ...projectLimitDetails(row),
          ...(Object.keys(transformations).length > 0 && { transformations: transformationFields(transformations) }),
        },
      });
      return present(row);
    },
    async 'projects.update'(input, ctx) {
      const before = await projectOrThrow(input.id);
      const now = clock.now();
      // The reference API's single key: only unambiguous when the project has exactly one.
      let rotated: { id: string; label: string } | null = null;
      if (input.api_key !== undefined) {
        const keys = await store.upstreamKeys.listForProject(before.id);
        if (keys.length !== 1 || !keys[0]) {
          throw new AppError(
            'ambiguous_upstream_key',
            `Project "${before.name}" has ${keys.length} upstream keys; rotate one at /manage/projects/${before.id}/keys/{keyId} (keys.update with api_key)`,
          );
        }
        rotated = keys[0];
      }
      const changes: ProjectChanges = { ...projectLimitChanges(input), ...projectCacheChanges(input) };
      if (input.name !== undefined) changes.name = input.name;
      if (input.base_url !== undefined) changes.baseUrl = input.base_url;
      if (input.transformations !== undefined) changes.transformations = transformationsFromInput(input.transformations);
      if (input.is_active !== undefined && input.is_active !== before.isActive) {
        changes.isActive = input.is_active;
        changes.deactivatedAt = input.is_active ? null : now;
      }
      const row = Object.keys(changes).length > 0 ? ((await store.projects.update(before.id, changes, now)) ?? before) : before;
      if (rotated && input.api_key !== undefined) {
        await store.upstreamKeys.update(rotated.id, { keySealed: sealer.seal(input.api_key, before.id), keyLast4: lastFour(input.api_key) }, now);
        keyHealth.forget(rotated.id);
      }
      let revoked: Awaited<ReturnType<Store['tokens']['revokeAllForProject']>> | null = null;
      if (input.revoke_tokens) revoked = await store.tokens.revokeAllForProject(before.id, now);
      gate.invalidateProject(before.id);
      const action = changes.isActive === false ? 'project.deactivate' : changes.isActive === true ? 'project.activate' : 'project.update';
      const changed = [...Object.keys(changes).map(fieldName), ...(rotated ? ['api_key'] : [])];
      await audit.record({
        ...auditBase(ctx),
        action,
        outcome: 'success',
        targetType: 'project',
        targetId: row.id,
        projectId: row.id,
        details: {
          changed,
          ...(rotated && { key_label: rotated.label }),
          ...(changes.transformations && { transformations: transformationFields(changes.transformations) }),
          ...(revoked ? { revoked_tokens: revoked.revoked } : {}),
        },
      });
      return present(row);
    },
    async 'projects.revokeTokens'({ id }, ctx) {
      await projectOrThrow(id);
      const result = await store.tokens.revokeAllForProject(id, clock.now());
      gate.invalidateProject(id);
      await audit.record({ ...auditBase(ctx), action: 'project.tokens_revoke', outcome: 'success', targetType: 'project', targetId: id, projectId: id, details: { revoked_count: result.revoked } });
      return { revoked_count: result.revoked, already_revoked_count: result.alreadyRevoked, total_tokens: result.total };
    },
    async 'tokens.list'(input) {
      const now = clock.now();
      const rows = await store.tokens.list({ projectId: input.project_id, activeOnly: input.active_only ?? false, now });
      return rows.map((row) => presentToken(row, now));
    },
    async 'tokens.get'({ id }) {
      return presentToken(await tokenOrThrow(id), clock.now());
    },
    async 'tokens.create'(input, ctx) {
      const project = await projectOrThrow(input.project_id);
      if (!project.isActive) throw new AppError('project_inactive', `Project "${project.name}" is inactive: reactivate it before minting tokens`);
      const now = clock.now();
      const minted = mintToken(now);
      const row = await store.tokens.create({
        id: minted.id,
        projectId: project.id,
        name: input.name ?? null,
        tokenHash: deps.hash(minted.token),
        tokenLast4: minted.last4,
        expiresAt: now + input.duration_minutes * 60_000,
        isActive: true,
        maxRequests: input.max_requests ? input.max_requests : null,
        allowedModels: input.allowed_models ?? null,
        createdAt: now,
        ...tokenLimitChanges(input),
      });
      await audit.record({
        ...auditBase(ctx),
        action: 'token.create',
        outcome: 'success',
        targetType: 'token',
        targetId: row.id,
        projectId: project.id,
        tokenId: row.id,
        details: {
          duration_minutes: input.duration_minutes,
          max_requests: row.maxRequests,
          allowed_models: row.allowedModels,
          name: row.name,
          ...(row.rpmLimit !== null && { rpm_limit: row.rpmLimit }),
          ...(row.tpmLimit !== null && { tpm_limit: row.tpmLimit }),
          ...(row.maxConcurrent !== null && { max_concurrent: row.maxConcurrent }),
        },
      });
      return { ...presentToken(row, now), token: minted.token };
    },
    async 'tokens.update'(input, ctx) {
      const before = await tokenOrThrow(input.id);
      const now = clock.now();
      const changes: Parameters<Store['tokens']['update']>[1] = tokenLimitChanges(input);
      if (input.name !== undefined) changes.name = input.name;
      if (input.max_requests !== undefined) changes.maxRequests = input.max_requests ? input.max_requests : null;
      if (input.allowed_models !== undefined) changes.allowedModels = input.allowed_models;
      if (input.is_active !== undefined && input.is_active !== before.isActive) {
        changes.isActive = input.is_active;
        changes.revokedAt = input.is_active ? null : now;
      }
      const row = (await store.tokens.update(before.id, changes, now)) ?? before;
      gate.invalidateToken(row.id);
      const action = changes.isActive === false ? 'token.revoke' : changes.isActive === true ? 'token.reactivate' : 'token.update';
      await audit.record({ ...auditBase(ctx), action, outcome: 'success', targetType: 'token', targetId: row.id, projectId: row.projectId, tokenId: row.id, details: { changed: Object.keys(changes).map(fieldName) } });
      return presentToken(row, now);
    },
    async 'tokens.revoke'({ id }, ctx) {
      const before = await tokenOrThrow(id);
      const now = clock.now();
      const row = before.isActive ? ((await store.tokens.update(id, { isActive: false, revokedAt: now }, now)) ?? before) : before;
      gate.invalidateToken(id);
      await audit.record({ ...auditBase(ctx), action: 'token.revoke', outcome: 'success', targetType: 'token', targetId: id, projectId: row.projectId, tokenId: id, details: { already_revoked: !before.isActive } });
      return presentToken(row, now);
    },
    async 'audit.list'(input) {
      const page = input.page ?? 1;
      const pageSize = input.page_size ?? 50;
      const result = await store.audit.query({
        action: input.action,
        outcome: input.outcome,
        projectId: input.project_id,
        tokenId: input.token_id,
        from: input.from,
        to: input.to,
        search: input.search,
        page,
        pageSize,
      });
      const totalPages = Math.max(1, Math.ceil(result.totalCount / pageSize));
      return {
        events: result.items.map(presentAudit),
        pagination: { page, page_size: pageSize, total_count: result.totalCount, total_pages: totalPages, has_next: page < totalPages, has_prev: page > 1 },
      };
    },
    async 'audit.get'({ id }) {
      const row = await store.audit.get(id);
      if (!row) throw new AppError('audit_event_not_found', `No audit event with id ${id}`);
      return presentAudit(row);
    },
    async 'cache.stats'() {
      const stats = await deps.cache.stats();
      const cacheable = stats.hits + stats.misses;
      return {
        store: stats.store,
        entries: stats.entries,
        bytes: stats.bytes,
        max_bytes: stats.maxBytes,
        max_object_bytes: stats.maxObjectBytes,
        default_ttl_seconds: stats.defaultTtlSeconds,
        hits: stats.hits,
        misses: stats.misses,
        bypasses: stats.bypasses,
        stored: stats.stored,
        hit_rate: cacheable ? stats.hits / cacheable : null,
        since: new Date(stats.since).toISOString(),
        partial: stats.partial,
        top_endpoints: stats.endpoints.map(({ endpoint, entries, bytes, hits }) => {
          const space = endpoint.indexOf(' ');
          return { method: endpoint.slice(0, space), path: endpoint.slice(space + 1), entries, bytes, hits };
        }),
      };
    },
    async 'cache.purge'(input, ctx) {
      if (input.project_id) await projectOrThrow(input.project_id);
      const selector: PurgeSelector = input.all
        ? { all: true }
        : { projectId: input.project_id, prefix: input.prefix, method: input.method, url: input.url };
      const scope = input.all ? 'all' : input.url !== undefined ? 'url' : input.prefix !== undefined ? 'prefix' : 'project';
      const deleted = await deps.cache.purge(selector);
      await audit.record({
        ...auditBase(ctx),
        action: 'cache.purge',
        outcome: 'success',
        targetType: 'cache',
        targetId: (input.url !== undefined ? `${input.method} ${input.url}` : (input.prefix ?? input.project_id ?? 'all')).slice(0, 200),
        projectId: input.project_id ?? null,
        details: definedOnly({ scope, project_id: input.project_id, prefix: input.prefix, method: input.method, url: input.url, deleted }),
      });
      return { deleted };
    },
    async 'system.info'() {
      const info = store.info();
      return { ...deps.systemInfo(), database: { kind: info.kind, location: info.location, schema_version: info.schemaVersion } };
    },
    async 'dashboard.summary'() {
      const now = clock.now();
      const [projects, tokens, recent] = await Promise.all([
        store.projects.list(),
        store.tokens.list({ now }),
        store.audit.query({ page: 1, pageSize: 10 }),
      ]);
      const startOfDay = new Date(now);
      startOfDay.setHours(0, 0, 0, 0);
      // Every rate-limit refusal is audited as proxy.refused with reason rate_limited.
      const rateLimited = await store.audit.query({ action: 'proxy.refused', from: startOfDay.getTime(), search: '"reason":"rate_limited"', page: 1, pageSize: 1 });
      return {
        projects: { total: projects.length, active: projects.filter((p) => p.isActive).length },
        tokens: { total: tokens.length, active: tokens.filter((t) => presentToken(t, now).status === 'active').length },
        requests_today: await deps.requestsSince(startOfDay.getTime()),
        rate_limited_today: rateLimited.totalCount,
        recent_audit: recent.items.map(presentAudit),
      };
    },
  };
}

function auditBase(ctx: CallContext) {
  return { actor: ctx.actor, requestId: ctx.requestId, clientIp: ctx.clientIp };
}

const FIELD_NAMES: Record<string, string> = {
  baseUrl: 'base_url',
  isActive: 'is_active',
  maxRequests: 'max_requests',
  allowedModels: 'allowed_models',
  rpmLimit: 'rpm_limit',
  tpmLimit: 'tpm_limit',
  maxConcurrent: 'max_concurrent',
  defaultRpmLimit: 'default_rpm_limit',
  defaultTpmLimit: 'default_tpm_limit',
  sharedRpmLimit: 'shared_rpm_limit',
  sharedTpmLimit: 'shared_tpm_limit',
  sharedLimitKey: 'shared_limit_key',
  cacheDefaultTtlSeconds: 'cache_default_ttl_seconds',
  cacheSharedAcrossTokens: 'cache_shared_across_tokens',
};

/** A project limit of 0 means none, stored as null (one way to say it). Undefined = unchanged. */
const noneIfZero = (value: number | null | undefined) => (value === undefined ? undefined : value || null);

function projectLimitChanges(input: ParsedInputOf<'projects.update'> | ParsedInputOf<'projects.create'>): ProjectChanges {
  return definedOnly({
    defaultRpmLimit: noneIfZero(input.default_rpm_limit),
    defaultTpmLimit: noneIfZero(input.default_tpm_limit),
    sharedRpmLimit: noneIfZero(input.shared_rpm_limit),
    sharedTpmLimit: noneIfZero(input.shared_tpm_limit),
    sharedLimitKey: input.shared_limit_key,
  });
}

function projectCacheChanges(input: ParsedInputOf<'projects.update'> | ParsedInputOf<'projects.create'>): ProjectChanges {
  return definedOnly({ cacheDefaultTtlSeconds: input.cache_default_ttl_seconds, cacheSharedAcrossTokens: input.cache_shared_across_tokens });
}

function projectLimitDetails(row: ProjectRow): Record<string, unknown> {
  const details: Record<string, unknown> = {};
  for (const key of ['defaultRpmLimit', 'defaultTpmLimit', 'sharedRpmLimit', 'sharedTpmLimit', 'sharedLimitKey'] as const) {
    if (row[key] !== null) details[fieldName(key)] = row[key];
  }
  return details;
}

/** On a token, null = the project's default and 0 = no limit, so 0 is kept; max_concurrent 0 = none. */
function tokenLimitChanges(input: ParsedInputOf<'tokens.update'> | ParsedInputOf<'tokens.create'>): TokenChanges {
  return definedOnly({ rpmLimit: input.rpm_limit, tpmLimit: input.tpm_limit, maxConcurrent: noneIfZero(input.max_concurrent) });
}
function fieldName(key: string): string {
  return FIELD_NAMES[key] ?? key;
}

/** The one entry point for every door: validate, run, audit failed changes. */
export async function callAdmin<M extends AdminMethod>(handlers: AdminHandlers, audit: AuditLog, method: M, raw: unknown, ctx: CallContext): Promise<OutputOf<M>> {
  try {
    const input = parseInput(method, raw);
    return await handlers[method](input, ctx);
  } catch (err) {
    if (adminContract[method].mutates) {
      const code = isAppError(err) ? err.code : 'internal_error';
      const target = raw && typeof raw === 'object' && 'id' in raw && typeof raw.id === 'string' && isUuid(raw.id) ? raw.id : null;
      await audit.record({ ...auditBase(ctx), action: method, outcome: 'failure', targetId: target, details: { code } }).catch(() => undefined);
    }
    throw err;
  }
}
