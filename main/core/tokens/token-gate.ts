// The proxy's door: turns a presented token into an admitted request or a refusal.
// Validated state is cached in memory for `ttlMs` (so other instances' changes on a shared store arrive
// within that time) and dropped at once when this instance revokes or changes a token or project.
// Request quotas come from durable reservations (durable-reservations.ts): blocks of a token's
// max_requests claimed in the store before use, handed out in memory. Exact across concurrent requests and
// instances, and a crash can waste at most one block (QUOTA_BLOCK) of a token's quota, never grant extra.
// With Redis, this instance's invalidations are broadcast and other instances' arrive within a second.
import { hash as digest } from 'node:crypto';
import type { Clock } from '../clock.ts';
import { projectLimitsOf } from '../limits/policy.ts';
import { KeySelector, type KeyHealth } from '../proxy/key-selector.ts';
import { providers } from '../proxy/providers.ts';
import type { Sealer } from '../secrets/sealer.ts';
import type { ProjectRepository, TokenRepository, TokenRow, UpstreamKeyRepository } from '../store/types.ts';
import { DurableReservations } from './durable-reservations.ts';
import { tokenIdOf, type TokenHasher } from './format.ts';
import { modelAllowed } from './models.ts';
import type { Upstream, UpstreamKey } from './upstream.ts';
import type { UsageRecorder } from './usage-recorder.ts';

export type { Upstream, UpstreamKey } from './upstream.ts';

export type Refusal = 'invalid_api_key' | 'token_expired' | 'token_revoked' | 'project_inactive' | 'model_not_allowed' | 'quota_exceeded';

/** Tells other instances (Redis pub/sub) that this one changed a token or project. */
export interface InvalidationBroadcast {
  token(tokenId: string): void;
  project(projectId: string): void;
  /** An upstream key started (or extended) a cool-down of `ms` (see ../proxy/key-selector.ts). */
  keyCooldown(keyId: string, ms: number, code: string): void;
}

export interface Authenticated {
  token: TokenRow;
  upstream: Upstream;
}

export type GateResult<T> = { ok: true; value: T } | { ok: false; refusal: Refusal; tokenId: string | null; projectId: string | null };

interface TokenEntry {
  token: TokenRow;
  loadedAt: number;
}

/**
 * The key a validated token is remembered under: SHA-256 of the presented text (one call, no keyed
 * HMAC object per request; collision-resistant, so a different secret never finds another's entry).
 * The secret itself is never kept.
 */
function presentedKey(rawToken: string): string {
  return digest('sha256', rawToken, 'base64');
}

interface ProjectEntry {
  isActive: boolean;
  upstream: Upstream;
  loadedAt: number;
}

const MAX_CACHED = 10_000;
/** Requests of a token's quota reserved at once: the most a crash can waste of it. */
export const QUOTA_BLOCK = 10;
/** Reserved requests a token has not used for this long go back to the store (for other instances). */
const QUOTA_IDLE_RELEASE_MS = 10_000;

export class TokenGate {
  /** Validated tokens by presentedKey(): bounded, trusted for `ttlMs`, dropped at once on invalidation. */
  private readonly byPresented = new Map<string, TokenEntry>();
  private readonly projects = new Map<string, ProjectEntry>();
  private readonly loading = new Map<string, Promise<TokenEntry | null>>();
  /** Each limited token's quota, reserved ahead of use in blocks (by token id). */
  private readonly quota: DurableReservations;
  /**
   * Each project's key selector, kept across reloads of the project so its round-robin position is not
   * reset every `ttlMs` (which would send every rarely used project's requests to its heaviest key).
   */
  private readonly selectors = new Map<string, KeySelector<UpstreamKey>>();
  /** Told when a token or project changed here or on a peer (budgets let go of what they hold). */
  private readonly invalidationListeners: { forgetToken(tokenId: string): void; forgetProject(projectId: string): void }[] = [];
  /** Bumped on every invalidation, so a load that began before a revoke is not cached after it. */
  private epoch = 0;

  constructor(
    private readonly deps: {
      tokens: TokenRepository;
      projects: ProjectRepository;
      upstreamKeys: UpstreamKeyRepository;
      /** Shared by every project's key selector: a key's cool-down outlives project reloads. */
      keyHealth: KeyHealth;
      sealer: Sealer;
      hash: TokenHasher;
      usage: UsageRecorder;
      clock: Clock;
      ttlMs: number;
      broadcast?: InvalidationBroadcast;
      /** Requests reserved at once per token (default QUOTA_BLOCK). */
      quotaBlock?: number;
      onError?: (err: unknown) => void;
    },
  ) {
    const tokens = deps.tokens;
    this.quota = new DurableReservations({
      store: {
        reserve: (tokenId, want) => tokens.reserveRequests(tokenId, want),
        release: (releases) => tokens.releaseRequests(releases.map((r) => ({ tokenId: r.subject, amount: r.amount }))),
      },
      block: deps.quotaBlock ?? QUOTA_BLOCK,
      clock: deps.clock,
      recheckMs: deps.ttlMs,
      idleReleaseMs: QUOTA_IDLE_RELEASE_MS,
      onError: deps.onError,
    });
  }

  /** Checks the token and its project; does not count anything yet. */
  async authenticate(rawToken: string | null): Promise<GateResult<Authenticated>> {
    if (!rawToken || tokenIdOf(rawToken) === null) return refuse('invalid_api_key', null, null);
    const entry = await this.tokenEntry(rawToken);
    if (!entry) return refuse('invalid_api_key', null, null);
    const { token } = entry;
    const now = this.deps.clock.now();
    if (!token.isActive) return refuse('token_revoked', token.id, token.projectId);
    if (token.expiresAt <= now) return refuse('token_expired', token.id, token.projectId);
    const project = await this.projectEntry(token.projectId);
    if (!project || !project.isActive) return refuse('project_inactive', token.id, token.projectId);
    return { ok: true, value: { token, upstream: project.upstream } };
  }

  checkModel(auth: Authenticated, model: string | null): GateResult<Authenticated> {
    const { token } = auth;
    if (!modelAllowed(token.allowedModels, model)) return refuse('model_not_allowed', token.id, token.projectId);
    return { ok: true, value: auth };
  }

  /** The lifetime quota is used up (checked before rate limits, so a spent token takes nothing from them). */
  quotaSpent(auth: Authenticated): boolean {
    const { token } = auth;
    return token.maxRequests !== null && (token.requestCount >= token.maxRequests || this.quota.spent(token.id));
  }

  /** Takes one request from the token's quota (reserving a block in the store when none is held here). */
  async claimRequest(auth: Authenticated): Promise<GateResult<Authenticated>> {
    const { token } = auth;
    if (token.maxRequests !== null && !(await this.quota.take(token.id))) return refuse('quota_exceeded', token.id, token.projectId);
    this.deps.usage.recordRequest(token.id, this.deps.clock.now());
    return { ok: true, value: auth };
  }

  onInvalidate(listener: { forgetToken(tokenId: string): void; forgetProject(projectId: string): void }): void {
    this.invalidationListeners.push(listener);
  }

  /** Gives the unused reserved requests back to the store (clean shutdown). */
  close(): Promise<void> {
    return this.quota.close();
  }

  /** Drops the token's cached state; `from: 'peer'` when another instance announced the change. */
  invalidateToken(tokenId: string, from: 'here' | 'peer' = 'here'): void {
    this.epoch++;
    for (const [key, entry] of this.byPresented) if (entry.token.id === tokenId) this.byPresented.delete(key);
    // Its quota may have changed: what is held goes back, and the next request asks the store afresh.
    this.quota.forget(tokenId);
    for (const l of this.invalidationListeners) l.forgetToken(tokenId);
    if (from === 'here') this.deps.broadcast?.token(tokenId);
  }

  invalidateProject(projectId: string, from: 'here' | 'peer' = 'here'): void {
    this.epoch++;
    this.projects.delete(projectId);
    for (const [key, entry] of this.byPresented) if (entry.token.projectId === projectId) this.byPresented.delete(key);
    for (const l of this.invalidationListeners) l.forgetProject(projectId);
    if (from === 'here') this.deps.broadcast?.project(projectId);
  }

  private async tokenEntry(rawToken: string): Promise<TokenEntry | null> {
    const key = presentedKey(rawToken);
    const cached = this.byPresented.get(key);
    if (cached && this.deps.clock.now() - cached.loadedAt < this.deps.ttlMs) return cached;
    let pending = this.loading.get(key);
    if (!pending) {
      pending = this.loadToken(key, this.deps.hash(rawToken)).finally(() => this.loading.delete(key));
      this.loading.set(key, pending);
    }
    return pending;
  }

  private async loadToken(key: string, hash: string): Promise<TokenEntry | null> {
    const epoch = this.epoch;
    const token = await this.deps.tokens.getByHash(hash);
    if (!token) return null;
    const entry = { token, loadedAt: this.deps.clock.now() };
    if (epoch === this.epoch) {
      if (this.byPresented.size >= MAX_CACHED) this.byPresented.delete(this.byPresented.keys().next().value as string);
      this.byPresented.set(key, entry);
    }
    return entry;
  }

  private async projectEntry(projectId: string): Promise<ProjectEntry | null> {
    const cached = this.projects.get(projectId);
    if (cached && this.deps.clock.now() - cached.loadedAt < this.deps.ttlMs) return cached;
    const epoch = this.epoch;
    const [row, keyRows] = await Promise.all([this.deps.projects.get(projectId), this.deps.upstreamKeys.listForProject(projectId)]);
    if (!row) return null;
    const keys: UpstreamKey[] = keyRows
      .filter((key) => key.isEnabled)
      .map((key) => ({ id: key.id, label: key.label, weight: key.weight, apiKey: this.deps.sealer.open(key.keySealed, row.id) }));
    // The oldest key names the shared budget (as the project's single key did before keys were many).
    const oldest = keyRows[0];
    const budgetKey = oldest ? (keys.find((key) => key.id === oldest.id)?.apiKey ?? this.deps.sealer.open(oldest.keySealed, row.id)) : row.id;
    const upstream: Upstream = {
      projectId: row.id,
      projectName: row.name,
      provider: providers[row.provider],
      baseUrl: row.baseUrl,
      keys: this.selectorFor(row.id, keys),
      limits: projectLimitsOf(row, budgetKey),
      cache: { defaultTtlSeconds: row.cacheDefaultTtlSeconds, sharedAcrossTokens: row.cacheSharedAcrossTokens },
      transformations: row.transformations,
      prices: row.prices,
      monthlyBudgetUsd: row.monthlyBudgetUsd,
    };
    const entry: ProjectEntry = { isActive: row.isActive, loadedAt: this.deps.clock.now(), upstream };
    if (epoch === this.epoch) {
      if (this.projects.size >= MAX_CACHED) this.projects.delete(this.projects.keys().next().value as string);
      this.projects.set(projectId, entry);
    }
    return entry;
  }

  private selectorFor(projectId: string, keys: UpstreamKey[]): KeySelector<UpstreamKey> {
    const kept = this.selectors.get(projectId);
    if (kept?.refresh(keys)) return kept;
    const selector = new KeySelector(keys, this.deps.keyHealth);
    if (!kept && this.selectors.size >= MAX_CACHED) this.selectors.delete(this.selectors.keys().next().value as string);
    this.selectors.set(projectId, selector);
    return selector;
  }
}

function refuse(
  refusal: Refusal,
  tokenId: string | null,
  projectId: string | null,
): { ok: false; refusal: Refusal; tokenId: string | null; projectId: string | null } {
  return { ok: false, refusal, tokenId, projectId };
}
