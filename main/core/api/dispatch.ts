// The one door every management call enters — REST, `/manage/rpc`, IPC, the desktop shell and tests alike:
// the method must be in the contract, the input is validated against its schema once, the caller is
// authorized once (the caller's role, narrowed to an operator's projects: ./authorize.ts), the handler runs,
// and a change that fails (validation included) or a call the role refuses is audited once.
// Errors leave as AppErrors with stable codes; each transport only maps them to its wire shape.
import type { AuditLog } from '../audit/audit-log.ts';
import { AppError, isAppError } from '../errors.ts';
import { isUuid } from '../ids.ts';
import { refuseOutsideRole, type Authorize } from './authorize.ts';
import { adminContract, isAdminMethod, type AdminMethod, type OutputOf } from './contract.ts';
import { auditBase, type AdminHandlers, type CallContext } from './handler-types.ts';
import { parseInput } from './validate.ts';

export type { Authorize } from './authorize.ts';

export interface Dispatch {
  <M extends AdminMethod>(method: M, raw: unknown, ctx: CallContext): Promise<OutputOf<M>>;
  /** A method named by a caller (an rpc path, an IPC channel): unknown names are `not_found`. */
  (method: string, raw: unknown, ctx: CallContext): Promise<unknown>;
}

export interface DispatchDeps {
  handlers: AdminHandlers;
  audit: Pick<AuditLog, 'record'>;
  /** Decides the caller's role and narrows the call to its projects (./authorize.ts); throws when refused. */
  authorize: Authorize;
}

export function createDispatch(deps: DispatchDeps): Dispatch {
  return (async (method: string, raw: unknown, ctx: CallContext) => {
    if (!isAdminMethod(method)) throw new AppError('not_found', `Unknown method ${String(method).slice(0, 60)}`);
    try {
      refuseOutsideRole(method, ctx);
      const scope = await deps.authorize(method, parseInput(method, raw), ctx);
      const value = await (deps.handlers[method] as (input: unknown, ctx: CallContext) => Promise<unknown>)(scope.input, ctx);
      return scope.output ? (scope.output as (value: unknown) => unknown)(value) : value;
    } catch (err) {
      // A refusal by role is audited for reads too: someone tried something their role does not allow.
      const refused = isAppError(err) && err.code === 'forbidden_role';
      if (adminContract[method].mutates || refused) await auditFailure(deps.audit, method, raw, ctx, err);
      throw err;
    }
  }) as Dispatch;
}

async function auditFailure(audit: Pick<AuditLog, 'record'>, method: AdminMethod, raw: unknown, ctx: CallContext, err: unknown): Promise<void> {
  const code = isAppError(err) ? err.code : 'internal_error';
  const target = raw && typeof raw === 'object' && 'id' in raw && typeof raw.id === 'string' && isUuid(raw.id) ? raw.id : null;
  const outcome = code === 'forbidden_role' ? 'denied' : 'failure';
  await audit.record({ ...auditBase(ctx), action: method, outcome, targetId: target, details: { code, role: ctx.role } }).catch(() => undefined);
}
