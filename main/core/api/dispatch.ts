// The one door every management call enters — REST, `/manage/rpc`, IPC, the desktop shell and tests alike:
// the method must be in the contract, the input is validated against its schema once, the caller is
// authorized once, the handler runs, and a change that fails (validation included) is audited once.
// Errors leave as AppErrors with stable codes; each transport only maps them to its wire shape.
import type { AuditLog } from '../audit/audit-log.ts';
import { AppError, isAppError } from '../errors.ts';
import { isUuid } from '../ids.ts';
import { adminContract, isAdminMethod, type AdminMethod, type OutputOf, type ParsedInputOf } from './contract.ts';
import { auditBase, type AdminHandlers, type CallContext } from './handler-types.ts';
import { parseInput } from './validate.ts';

/** Throws (an AppError) when the caller may not make this call; the roles work decides it here. */
export type Authorize = <M extends AdminMethod>(method: M, input: ParsedInputOf<M>, ctx: CallContext) => void | Promise<void>;

export interface Dispatch {
  <M extends AdminMethod>(method: M, raw: unknown, ctx: CallContext): Promise<OutputOf<M>>;
  /** A method named by a caller (an rpc path, an IPC channel): unknown names are `not_found`. */
  (method: string, raw: unknown, ctx: CallContext): Promise<unknown>;
}

export interface DispatchDeps {
  handlers: AdminHandlers;
  audit: Pick<AuditLog, 'record'>;
  authorize?: Authorize;
}

export function createDispatch(deps: DispatchDeps): Dispatch {
  const authorize: Authorize = deps.authorize ?? (() => undefined);
  return (async (method: string, raw: unknown, ctx: CallContext) => {
    if (!isAdminMethod(method)) throw new AppError('not_found', `Unknown method ${String(method).slice(0, 60)}`);
    try {
      const input = parseInput(method, raw);
      await authorize(method, input, ctx);
      return await (deps.handlers[method] as (input: unknown, ctx: CallContext) => Promise<unknown>)(input, ctx);
    } catch (err) {
      if (adminContract[method].mutates) await auditFailure(deps.audit, method, raw, ctx, err);
      throw err;
    }
  }) as Dispatch;
}

async function auditFailure(audit: Pick<AuditLog, 'record'>, method: AdminMethod, raw: unknown, ctx: CallContext, err: unknown): Promise<void> {
  const code = isAppError(err) ? err.code : 'internal_error';
  const target = raw && typeof raw === 'object' && 'id' in raw && typeof raw.id === 'string' && isUuid(raw.id) ? raw.id : null;
  await audit.record({ ...auditBase(ctx), action: method, outcome: 'failure', targetId: target, details: { code } }).catch(() => undefined);
}
