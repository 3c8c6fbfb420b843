// projects.*: create (with its first upstream key), read, update (rename, limits, cache, transformations,
// rotate the only key, deactivate), revoke every token of a project. Every change invalidates the project
// in the token gate and is audited without the key.
import { AppError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import { providers } from '../../proxy/providers.ts';
import { definedOnly } from '../../store/row-changes.ts';
import type { Provider, ProjectChanges, ProjectRow, Store } from '../../store/types.ts';
import type { ParsedInputOf } from '../contract.ts';
import { fieldName, noneIfZero } from '../field-names.ts';
import { auditBase, lookups, type HandlerDeps, type HandlersOf } from '../handler-types.ts';
import { presentProject } from '../present.ts';
import { pricesFromInput, utcMonthBounds } from '../money-fields.ts';
import { transformationFields, transformationsFromInput } from '../transformations.ts';
import { DEFAULT_KEY_LABEL, lastFour } from './keys.ts';

type ProjectMethod = 'projects.list' | 'projects.get' | 'projects.create' | 'projects.update' | 'projects.revokeTokens';

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

export function createProjectHandlers(deps: HandlerDeps): HandlersOf<ProjectMethod> {
  const { store, sealer, gate, audit, clock, keyHealth } = deps;
  const { projectOrThrow } = lookups(store);
  const spendOf = () => {
    const month = utcMonthBounds(clock.now());
    return store.money.projectSpend(month.from, month.to);
  };
  const present = async (row: ProjectRow) => {
    const [keys, spend] = await Promise.all([store.upstreamKeys.listForProject(row.id), spendOf()]);
    return presentProject(row, keys, spend.get(row.id));
  };

  return {
    async 'projects.list'() {
      const [rows, keys, spend] = await Promise.all([store.projects.list(), store.upstreamKeys.listAllByProject(), spendOf()]);
      return rows.map((row) => presentProject(row, keys.get(row.id) ?? [], spend.get(row.id)));
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
        {
          id,
          name: input.name,
          provider,
          baseUrl,
          isActive: true,
          createdAt: now,
          transformations,
          ...projectLimitChanges(input),
          ...projectCacheChanges(input),
          ...projectMoneyChanges(input),
        },
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
      const changes: ProjectChanges = { ...projectLimitChanges(input), ...projectCacheChanges(input), ...projectMoneyChanges(input) };
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
      await audit.record({
        ...auditBase(ctx),
        action: 'project.tokens_revoke',
        outcome: 'success',
        targetType: 'project',
        targetId: id,
        projectId: id,
        details: { revoked_count: result.revoked },
      });
      return { revoked_count: result.revoked, already_revoked_count: result.alreadyRevoked, total_tokens: result.total };
    },
  };
}

function projectLimitChanges(input: ParsedInputOf<'projects.update'> | ParsedInputOf<'projects.create'>): ProjectChanges {
  return definedOnly({
    defaultRpmLimit: noneIfZero(input.default_rpm_limit),
    defaultTpmLimit: noneIfZero(input.default_tpm_limit),
    sharedRpmLimit: noneIfZero(input.shared_rpm_limit),
    sharedTpmLimit: noneIfZero(input.shared_tpm_limit),
    sharedLimitKey: input.shared_limit_key,
  });
}

function projectMoneyChanges(input: ParsedInputOf<'projects.update'> | ParsedInputOf<'projects.create'>): ProjectChanges {
  return definedOnly({ prices: input.prices === undefined ? undefined : pricesFromInput(input.prices), monthlyBudgetUsd: input.monthly_budget_usd });
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
