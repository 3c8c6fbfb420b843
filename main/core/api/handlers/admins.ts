// admins.*: named admins with a role (owner, operator for some projects, viewer). Create and rotate answer
// the token once; only its keyed hash is stored. Removing an admin refuses their token from the next call
// on, on every instance (the management door reads the admin from the store at each call). Who may call
// which method is decided in ../authorize.ts, not here.
import { AppError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import type { AdminChanges, AdminRow } from '../../store/types.ts';
import { ADMIN_ACTOR_PREFIX, maskAdminToken, mintAdminToken } from '../../tokens/admin-token.ts';
import type { AdminView, CallerView } from '../admin-schemas.ts';
import { auditBase, lookups, type CallContext, type HandlerDeps, type HandlersOf } from '../handler-types.ts';

type AdminMethod = 'admins.me' | 'admins.list' | 'admins.create' | 'admins.update' | 'admins.remove' | 'admins.rotateToken';

export function presentAdmin(row: AdminRow): AdminView {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    project_ids: row.projectIds,
    token: maskAdminToken(row.tokenLast4),
    created_at: new Date(row.createdAt).toISOString(),
    updated_at: new Date(row.updatedAt).toISOString(),
  };
}

export function callerView(ctx: CallContext): CallerView {
  const name = ctx.actor.startsWith(ADMIN_ACTOR_PREFIX) ? ctx.actor.slice(ADMIN_ACTOR_PREFIX.length) : ctx.actor;
  return { actor: ctx.actor, name, role: ctx.role, project_ids: ctx.projectIds ? [...ctx.projectIds] : null, admin_id: ctx.adminId };
}

export function createNamedAdminHandlers(deps: Pick<HandlerDeps, 'store' | 'hash' | 'audit' | 'clock'>): HandlersOf<AdminMethod> {
  const { store, hash, audit, clock } = deps;
  const { projectOrThrow } = lookups(store);

  const adminOrThrow = async (id: string) => {
    const row = await store.admins.get(id);
    if (!row) throw new AppError('admin_not_found', `No admin with id ${id}`);
    return row;
  };
  /** Every project named must exist; the same id twice counts once. */
  const existingProjects = async (ids: readonly string[]) => {
    const unique = [...new Set(ids)];
    for (const id of unique) await projectOrThrow(id);
    return unique;
  };
  const record = (ctx: CallContext, action: string, row: AdminRow, details: Record<string, unknown>) =>
    audit.record({
      ...auditBase(ctx),
      action: `admin.${action}`,
      outcome: 'success',
      targetType: 'admin',
      targetId: row.id,
      details: { name: row.name, role: row.role, ...details },
    });

  return {
    async 'admins.me'(_input, ctx) {
      return callerView(ctx);
    },
    async 'admins.list'() {
      return (await store.admins.list()).map(presentAdmin);
    },
    async 'admins.create'(input, ctx) {
      const projectIds = await existingProjects(input.project_ids ?? []);
      const minted = mintAdminToken();
      const now = clock.now();
      const row = await store.admins.create({
        id: newId(now),
        name: input.name,
        role: input.role,
        projectIds,
        tokenHash: hash(minted.token),
        tokenLast4: minted.last4,
        createdAt: now,
      });
      await record(ctx, 'create', row, { project_ids: row.projectIds });
      return { ...presentAdmin(row), token: minted.token };
    },
    async 'admins.update'(input, ctx) {
      const before = await adminOrThrow(input.id);
      const role = input.role ?? before.role;
      // Leaving the operator role drops the projects; only operators are limited to some.
      let projectIds = input.project_ids ?? (role === 'operator' ? before.projectIds : []);
      if (role !== 'operator' && projectIds.length > 0) throw invalidProjects('only operators are limited to projects');
      if (role === 'operator' && projectIds.length === 0) throw invalidProjects('an operator needs at least one project');
      projectIds = await existingProjects(projectIds);
      const changes: AdminChanges = {};
      if (input.name !== undefined && input.name !== before.name) changes.name = input.name;
      if (role !== before.role) changes.role = role;
      if (projectIds.join() !== before.projectIds.join()) changes.projectIds = projectIds;
      if (Object.keys(changes).length === 0) return presentAdmin(before);
      const row = (await store.admins.update(before.id, changes, clock.now())) ?? before;
      await record(ctx, 'update', row, {
        changed: Object.keys(changes).map((k) => (k === 'projectIds' ? 'project_ids' : k)),
        ...(changes.name !== undefined && { previous_name: before.name }),
        ...(changes.role !== undefined && { previous_role: before.role }),
        project_ids: row.projectIds,
      });
      return presentAdmin(row);
    },
    async 'admins.remove'({ id }, ctx) {
      const row = await adminOrThrow(id);
      if (!(await store.admins.remove(id))) throw new AppError('admin_not_found', `No admin with id ${id}`);
      await record(ctx, 'remove', row, {});
      return presentAdmin(row);
    },
    async 'admins.rotateToken'(_input, ctx) {
      if (!ctx.adminId) {
        throw new AppError(
          'not_a_named_admin',
          `${ctx.actor} is not a named admin: change the management token in the settings (LLM_PROXY_MANAGEMENT_TOKEN) instead`,
        );
      }
      const minted = mintAdminToken();
      const row = await store.admins.update(ctx.adminId, { tokenHash: hash(minted.token), tokenLast4: minted.last4 }, clock.now());
      if (!row) throw new AppError('admin_not_found', `No admin with id ${ctx.adminId}`);
      await record(ctx, 'rotate_token', row, {});
      return { ...presentAdmin(row), token: minted.token };
    },
  };
}

function invalidProjects(message: string): AppError {
  return new AppError('validation_failed', `Invalid input: project_ids: ${message}`, [{ path: 'project_ids', message }]);
}
