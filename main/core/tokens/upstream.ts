// A project as the request path needs it: provider, base URL, its enabled upstream keys (already
// unsealed, behind a selector), limits, cache settings and transformations. Built by the token gate on
// each project load; never leaves the main process.
import type { ProjectCacheSettings } from '../cache/policy.ts';
import type { ProjectLimits } from '../limits/policy.ts';
import type { KeySelector } from '../proxy/key-selector.ts';
import type { ProviderDefinition } from '../proxy/providers.ts';
import type { ProjectPrices, ProjectTransformations } from '../store/types.ts';

export interface UpstreamKey {
  id: string;
  label: string;
  weight: number;
  /** The real provider key, unsealed. */
  apiKey: string;
}

export interface Upstream {
  projectId: string;
  projectName: string;
  provider: ProviderDefinition;
  baseUrl: string;
  /** The project's enabled keys, picked by weight and health; empty when every key is disabled. */
  keys: KeySelector<UpstreamKey>;
  /** Token defaults and the shared budget (its name resolved from the oldest key when the project sets none). */
  limits: ProjectLimits;
  /** Response cache settings (default TTL, shared across tokens). */
  cache: ProjectCacheSettings;
  transformations: ProjectTransformations;
  /** The project's own prices per model glob (they win over the catalogue's). */
  prices: ProjectPrices;
  /** USD per UTC month for all the project's tokens; null = none. */
  monthlyBudgetUsd: number | null;
}
