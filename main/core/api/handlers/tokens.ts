// tokens.*: mint (the secret is answered once, only its keyed hash is stored), list, read, update,
// revoke. Every change invalidates the token in the token gate (and on other instances through it).
import { AppError } from '../../errors.ts';
import { definedOnly } from '../../store/row-changes.ts';
import type { Store, TokenChanges } from '../../store/types.ts';
import { mintToken } from '../../tokens/format.ts';
import type { ParsedInputOf } from '../contract.ts';
import { fieldName, noneIfZero } from '../field-names.ts';
import { auditBase, lookups, type HandlerDeps, type HandlersOf } from '../handler-types.ts';
import { searchTokens } from '../token-search.ts';
import { presentToken } from '../present.ts';

type TokenMethod = 'tokens.list' | 'tokens.search' | 'tokens.get' | 'tokens.create' | 'tokens.update' | 'tokens.revoke';

export function createTokenHandlers(deps: HandlerDeps): HandlersOf<TokenMethod> {
  const { store, gate, audit, clock } = deps;
  const { projectOrThrow, tokenOrThrow } = lookups(store);

  return {
    async 'tokens.list'(input) {
      const now = clock.now();
      const rows = await store.tokens.list({ projectId: input.project_id, activeOnly: input.active_only ?? false, now });
      return rows.map((row) => presentToken(row, now));
    },
    async 'tokens.search'(input) {
      const now = clock.now();
      const [rows, projects] = await Promise.all([store.tokens.list({ projectId: input.project_id, now }), store.projects.list()]);
      const names = new Map(projects.map((p) => [p.id, p.name]));
      const within = input.project_ids ? new Set(input.project_ids) : null;
      const views = rows.filter((row) => !within || within.has(row.projectId)).map((row) => presentToken(row, now));
      return searchTokens(views, (id) => names.get(id) ?? '', {
        search: input.search,
        status: input.status,
        sort: input.sort,
        order: input.order,
        page: input.page ?? 1,
        pageSize: input.page_size ?? 50,
      });
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
          ...(row.maxBudgetUsd !== null && { max_budget_usd: row.maxBudgetUsd }),
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
      await audit.record({
        ...auditBase(ctx),
        action,
        outcome: 'success',
        targetType: 'token',
        targetId: row.id,
        projectId: row.projectId,
        tokenId: row.id,
        details: { changed: Object.keys(changes).map(fieldName) },
      });
      return presentToken(row, now);
    },
    async 'tokens.revoke'({ id }, ctx) {
      const before = await tokenOrThrow(id);
      const now = clock.now();
      const row = before.isActive ? ((await store.tokens.update(id, { isActive: false, revokedAt: now }, now)) ?? before) : before;
      gate.invalidateToken(id);
      await audit.record({
        ...auditBase(ctx),
        action: 'token.revoke',
        outcome: 'success',
        targetType: 'token',
        targetId: id,
        projectId: row.projectId,
        tokenId: id,
        details: { already_revoked: !before.isActive },
      });
      return presentToken(row, now);
    },
  };
}

/** On a token, null = the project's default and 0 = no limit, so 0 is kept; max_concurrent 0 = none. */
function tokenLimitChanges(input: ParsedInputOf<'tokens.update'> | ParsedInputOf<'tokens.create'>): TokenChanges {
  return definedOnly({
    rpmLimit: input.rpm_limit,
    tpmLimit: input.tpm_limit,
    maxConcurrent: noneIfZero(input.max_concurrent),
    maxBudgetUsd: input.max_budget_usd,
  });
}
