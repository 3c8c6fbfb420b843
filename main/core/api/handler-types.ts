// What every handler module shares: who is calling (CallContext), what a handler looks like, and the
// dependencies the composition root hands to the handlers. No handler imports another's module.
import type { AuditLog } from '../audit/audit-log.ts';
import type { ResponseCache } from '../cache/response-cache.ts';
import type { Clock } from '../clock.ts';
import type { KeyHealth } from '../proxy/key-selector.ts';
import type { Sealer } from '../secrets/sealer.ts';
import type { AdminRole, ProjectRow, Store, TokenRow } from '../store/types.ts';
import type { TokenHasher } from '../tokens/format.ts';
import type { TokenGate } from '../tokens/token-gate.ts';
import { AppError } from '../errors.ts';
import type { AdminMethod, OutputOf, ParsedInputOf } from './contract.ts';
import type { SystemInfoView } from './views.ts';

export interface CallContext {
  /** As the audit trail names the caller: 'admin:<name>', 'management' (the management token), 'desktop' (IPC). */
  actor: string;
  requestId: string | null;
  clientIp: string | null;
  /** What the caller may do, decided once by dispatch's authorize (./authorize.ts). */
  role: AdminRole;
  /** An operator's projects; null = every project. */
  projectIds: readonly string[] | null;
  /** The named admin calling; null for the management token and the desktop app. */
  adminId: string | null;
}

/** The management token and the desktop window act as the first owner. */
export function ownerContext(actor: string): CallContext {
  return { actor, requestId: null, clientIp: null, role: 'owner', projectIds: null, adminId: null };
}

export type AdminHandler<M extends AdminMethod> = (input: ParsedInputOf<M>, ctx: CallContext) => Promise<OutputOf<M>>;
export type AdminHandlers = { [M in AdminMethod]: AdminHandler<M> };
/** The handlers of some methods (one domain's module). */
export type HandlersOf<M extends AdminMethod> = { [K in M]: AdminHandler<K> };

export interface HandlerDeps {
  store: Store;
  sealer: Sealer;
  hash: TokenHasher;
  gate: TokenGate;
  audit: AuditLog;
  clock: Clock;
  /** The response cache (stats and purge). */
  cache: Pick<ResponseCache, 'stats' | 'purge' | 'count'>;
  systemInfo: () => Omit<SystemInfoView, 'database'>;
  requestsSince: (since: number) => Promise<number>;
  /**
   * This instance's health of each upstream key (main/core/proxy/key-selector.ts), shown in key views;
   * forgotten when a key is rotated or removed.
   */
  keyHealth: Pick<KeyHealth, 'status' | 'forget'>;
}

/** The audit fields that name the caller. */
export function auditBase(ctx: CallContext) {
  return { actor: ctx.actor, requestId: ctx.requestId, clientIp: ctx.clientIp };
}

/** Rows that must exist, or the call answers `project_not_found` / `token_not_found`. */
export function lookups(store: Store) {
  return {
    async projectOrThrow(id: string): Promise<ProjectRow> {
      const row = await store.projects.get(id);
      if (!row) throw new AppError('project_not_found', `No project with id ${id}`);
      return row;
    },
    async tokenOrThrow(id: string): Promise<TokenRow> {
      const row = await store.tokens.get(id);
      if (!row) throw new AppError('token_not_found', `No token with id ${id}`);
      return row;
    },
  };
}
