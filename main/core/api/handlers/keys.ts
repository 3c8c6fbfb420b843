// keys.*: a project's upstream keys (add, relabel, reweight, enable/disable, rotate, remove). Every
// change invalidates the project in the token gate, so the proxy uses it from the next request on
// this instance (others re-read within --token-cache-ttl-ms), and is audited without the key itself.
import { AppError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import type { ProjectRow, UpstreamKeyChanges, UpstreamKeyRow } from '../../store/types.ts';
import { auditBase, lookups, type CallContext, type HandlerDeps, type HandlersOf } from '../handler-types.ts';
import { presentUpstreamKey } from '../present.ts';

/** The label of a project's first key when none is given. */
export const DEFAULT_KEY_LABEL = 'default';

/** What the masked views show of a key. Keys shorter than this keep no visible characters: four of them would give away too much of the key. */
const MIN_KEY_LENGTH_TO_SHOW = 12;
export const lastFour = (key: string) => (key.length >= MIN_KEY_LENGTH_TO_SHOW ? key.slice(-4) : '');

type KeyMethod = 'keys.list' | 'keys.add' | 'keys.update' | 'keys.remove';

const FIELD_NAMES: Record<keyof UpstreamKeyChanges, string | null> = {
  label: 'label',
  weight: 'weight',
  isEnabled: 'is_enabled',
  keySealed: 'api_key',
  keyLast4: null,
};

export function createKeyHandlers(deps: Pick<HandlerDeps, 'store' | 'sealer' | 'gate' | 'audit' | 'clock' | 'keyHealth'>): HandlersOf<KeyMethod> {
  const { store, sealer, gate, audit, clock, keyHealth } = deps;
  const { projectOrThrow } = lookups(store);

  const present = (row: UpstreamKeyRow) => presentUpstreamKey(row, keyHealth.status(row.id, clock.now()));

  /** A key of another project is as unknown as a missing one (ids are not secrets, but scopes are). */
  const keyOrThrow = async (project: ProjectRow, keyId: string) => {
    const row = await store.upstreamKeys.get(keyId);
    if (!row || row.projectId !== project.id) throw new AppError('upstream_key_not_found', `Project "${project.name}" has no upstream key with id ${keyId}`);
    return row;
  };

  /** A project keeps at least one enabled key: with none, every request would fail. */
  const refuseLeavingNoEnabledKey = async (project: ProjectRow, key: UpstreamKeyRow, what: 'remove' | 'disable') => {
    const keys = await store.upstreamKeys.listForProject(project.id);
    if (what === 'remove' && keys.length <= 1) {
      throw new AppError(
        'last_upstream_key',
        `"${key.label}" is the last upstream key of "${project.name}"; add another key before removing it (or deactivate the project)`,
      );
    }
    if (key.isEnabled && !keys.some((k) => k.id !== key.id && k.isEnabled)) {
      throw new AppError(
        'last_upstream_key',
        `"${key.label}" is the only enabled upstream key of "${project.name}"; enable or add another key before you ${what} it (or deactivate the project)`,
      );
    }
  };

  const record = (ctx: CallContext, action: string, key: UpstreamKeyRow, details: Record<string, unknown>) =>
    audit.record({
      ...auditBase(ctx),
      action: `upstream_key.${action}`,
      outcome: 'success',
      targetType: 'upstream_key',
      targetId: key.id,
      projectId: key.projectId,
      details: { label: key.label, weight: key.weight, ...details },
    });

  return {
    async 'keys.list'({ project_id }) {
      const project = await projectOrThrow(project_id);
      return (await store.upstreamKeys.listForProject(project.id)).map(present);
    },

    async 'keys.add'(input, ctx) {
      const project = await projectOrThrow(input.project_id);
      const now = clock.now();
      const row = await store.upstreamKeys.create({
        id: newId(now),
        projectId: project.id,
        label: input.label,
        // The project id is the associated data, as for every upstream key (a blob moved to another project does not open).
        keySealed: sealer.seal(input.api_key, project.id),
        keyLast4: lastFour(input.api_key),
        weight: input.weight ?? 1,
        isEnabled: true,
        createdAt: now,
      });
      gate.invalidateProject(project.id);
      await record(ctx, 'add', row, { is_enabled: true });
      return present(row);
    },

    async 'keys.update'(input, ctx) {
      const project = await projectOrThrow(input.project_id);
      const before = await keyOrThrow(project, input.id);
      const changes: UpstreamKeyChanges = {};
      if (input.label !== undefined && input.label !== before.label) changes.label = input.label;
      if (input.weight !== undefined && input.weight !== before.weight) changes.weight = input.weight;
      if (input.is_enabled !== undefined && input.is_enabled !== before.isEnabled) changes.isEnabled = input.is_enabled;
      if (input.api_key !== undefined) {
        changes.keySealed = sealer.seal(input.api_key, project.id);
        changes.keyLast4 = lastFour(input.api_key);
      }
      if (changes.isEnabled === false) await refuseLeavingNoEnabledKey(project, before, 'disable');
      if (Object.keys(changes).length === 0) return present(before);

      const row = await store.upstreamKeys.update(before.id, changes, clock.now());
      if (!row) throw new AppError('upstream_key_not_found', `Project "${project.name}" has no upstream key with id ${input.id}`);
      gate.invalidateProject(project.id);
      // A new secret starts with a clean record: the old one's failures say nothing about it.
      if (changes.keySealed !== undefined) keyHealth.forget(row.id);
      const action = changes.keySealed !== undefined ? 'rotate' : changes.isEnabled === true ? 'enable' : changes.isEnabled === false ? 'disable' : 'update';
      const changed = (Object.keys(changes) as (keyof UpstreamKeyChanges)[]).map((k) => FIELD_NAMES[k]).filter((name): name is string => name !== null);
      await record(ctx, action, row, { changed, ...(changes.label !== undefined && { previous_label: before.label }) });
      return present(row);
    },

    async 'keys.remove'(input, ctx) {
      const project = await projectOrThrow(input.project_id);
      const key = await keyOrThrow(project, input.id);
      await refuseLeavingNoEnabledKey(project, key, 'remove');
      const view = present(key);
      if (!(await store.upstreamKeys.remove(key.id)))
        throw new AppError('upstream_key_not_found', `Project "${project.name}" has no upstream key with id ${input.id}`);
      gate.invalidateProject(project.id);
      keyHealth.forget(key.id);
      await record(ctx, 'remove', key, {});
      return view;
    },
  };
}
