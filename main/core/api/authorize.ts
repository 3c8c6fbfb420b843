// Who may make which call, decided once for every door (REST, /manage/rpc, IPC, in process) by dispatch.
// Every contract method has a rule here (tsc refuses a method without one):
// - owner: everything.
// - viewer: every query (nothing answered holds a secret: keys and tokens are masked), no change except
//   rotating their own token.
// - operator: only the methods marked `project`, and only inside its projects: inputs naming another
//   project, token or audit event answer 404 as if it did not exist, lists are narrowed to its projects.
// Anything else is 403 `forbidden_role`.
import { AppError } from '../errors.ts';
import type { Store, TokenRow } from '../store/types.ts';
import { adminContract, type AdminMethod, type OutputOf, type ParsedInputOf } from './contract.ts';
import type { CallContext } from './handler-types.ts';

/** The input the handler runs with (narrowed to the caller's projects) and a filter for its answer. */
export interface Scope<M extends AdminMethod> {
  input: ParsedInputOf<M>;
  output?: (value: OutputOf<M>) => OutputOf<M>;
}

export type Authorize = <M extends AdminMethod>(method: M, input: ParsedInputOf<M>, ctx: CallContext) => Promise<Scope<M>>;

/** An operator's projects, and lookups that answer 404 for anything outside them. */
interface Projects {
  ids: ReadonlySet<string>;
  has(projectId: string | null | undefined): boolean;
  project(projectId: string): void;
  token(tokenId: string): Promise<TokenRow>;
  /** Ids of every token of the operator's projects. */
  tokenIds(): Promise<Set<string>>;
  auditEvent(eventId: string): Promise<void>;
}

type OperatorScope<M extends AdminMethod> = (input: ParsedInputOf<M>, within: Projects) => Scope<M> | Promise<Scope<M>>;

/** `owner`: owners only (viewers may still read it); `everyone`: any signed-in caller; `project`: operators in scope. */
type Rule<M extends AdminMethod> = { who: 'owner' } | { who: 'everyone' } | { who: 'project'; scope: OperatorScope<M> };

const owner = { who: 'owner' } as const;
const everyone = { who: 'everyone' } as const;
const inProject = <M extends AdminMethod>(scope: OperatorScope<M>): Rule<M> => ({ who: 'project', scope });
const byProjectId = <M extends 'projects.get' | 'projects.revokeTokens'>(input: ParsedInputOf<M>, within: Projects): Scope<M> => {
  within.project(input.id);
  return { input };
};
const byTokenId = async <M extends 'tokens.get' | 'tokens.update' | 'tokens.revoke'>(input: ParsedInputOf<M>, within: Projects): Promise<Scope<M>> => {
  await within.token(input.id);
  return { input };
};

const rules: { [M in AdminMethod]: Rule<M> } = {
  'projects.list': inProject((input, within) => ({ input, output: (projects) => projects.filter((p) => within.has(p.id)) })),
  'projects.get': inProject(byProjectId),
  'projects.create': owner,
  'projects.update': owner,
  'projects.revokeTokens': inProject(byProjectId),
  'keys.list': owner,
  'keys.add': owner,
  'keys.update': owner,
  'keys.remove': owner,
  'tokens.list': inProject((input, within) => {
    if (input.project_id) within.project(input.project_id);
    return { input, output: (tokens) => tokens.filter((t) => within.has(t.project_id)) };
  }),
  'tokens.search': inProject((input, within) => {
    if (input.project_id) within.project(input.project_id);
    return { input: { ...input, project_ids: (input.project_ids ?? [...within.ids]).filter((id) => within.has(id)) } };
  }),
  'tokens.get': inProject(byTokenId),
  'tokens.create': inProject((input, within) => {
    within.project(input.project_id);
    return { input };
  }),
  'tokens.update': inProject(byTokenId),
  'tokens.revoke': inProject(byTokenId),
  'audit.list': inProject((input, within) => {
    if (input.project_id) within.project(input.project_id);
    const asked = input.project_ids ?? [...within.ids];
    return { input: { ...input, project_ids: asked.filter((id) => within.has(id)) } };
  }),
  'audit.get': inProject(async (input, within) => {
    await within.auditEvent(input.id);
    return { input };
  }),
  // Counters of the whole cache: they name no project (entries are keyed by a hash).
  'cache.stats': inProject((input) => ({ input })),
  'cache.purge': inProject((input, within) => {
    if (!input.project_id) throw forbidden('purge the cache of one of your projects (project_id)');
    within.project(input.project_id);
    return { input };
  }),
  'cache.count': inProject((input, within) => {
    if (!input.project_id) throw forbidden('count the cache of one of your projects (project_id)');
    within.project(input.project_id);
    return { input };
  }),
  'system.info': owner,
  'dashboard.summary': owner,
  'dashboard.live': owner,
  'events.status': owner,
  'events.deadLetters': owner,
  'usage.daily': inProject(async (input, within) => {
    if (input.project_id) within.project(input.project_id);
    if (input.token_id) await within.token(input.token_id);
    const allowed = input.group_by === 'project' ? within.ids : await within.tokenIds();
    return { input, output: (usage) => ({ ...usage, rows: usage.rows.filter((row) => allowed.has(row.id)) }) };
  }),
  'requests.list': inProject(async (input, within) => {
    if (input.project_id) within.project(input.project_id);
    if (input.token_id) await within.token(input.token_id);
    return { input: { ...input, project_ids: (input.project_ids ?? [...within.ids]).filter((id) => within.has(id)) } };
  }),
  'admins.me': everyone,
  'admins.list': owner,
  'admins.create': owner,
  'admins.update': owner,
  'admins.remove': owner,
  'admins.rotateToken': everyone,
  'settings.get': owner,
  'settings.update': owner,
};

function forbidden(what: string): AppError {
  return new AppError('forbidden_role', `Your role does not allow this: ${what}`);
}

export function createAuthorize(deps: { store: Pick<Store, 'tokens' | 'audit'>; now: () => number }): Authorize {
  const within = (projectIds: readonly string[]): Projects => {
    const ids = new Set(projectIds);
    const has = (id: string | null | undefined) => id != null && ids.has(id);
    return {
      ids,
      has,
      project(projectId) {
        if (!has(projectId)) throw new AppError('project_not_found', `No project with id ${projectId}`);
      },
      async token(tokenId) {
        const row = await deps.store.tokens.get(tokenId);
        if (!row || !has(row.projectId)) throw new AppError('token_not_found', `No token with id ${tokenId}`);
        return row;
      },
      async tokenIds() {
        const lists = await Promise.all([...ids].map((projectId) => deps.store.tokens.list({ projectId, now: deps.now() })));
        return new Set(lists.flat().map((t) => t.id));
      },
      async auditEvent(eventId) {
        const row = await deps.store.audit.get(eventId);
        if (!row || !has(row.projectId)) throw new AppError('audit_event_not_found', `No audit event with id ${eventId}`);
      },
    };
  };

  return async (method, input, ctx) => {
    refuseOutsideRole(method, ctx);
    const rule = rules[method] as Rule<typeof method>;
    if (ctx.role === 'operator' && rule.who === 'project') return rule.scope(input, within(ctx.projectIds ?? []));
    return { input };
  };
}

/** The part of the decision that needs no input: dispatch asks it first, so a refused call is 403 whatever it sent. */
export function refuseOutsideRole(method: AdminMethod, ctx: CallContext): void {
  const rule = rules[method];
  if (ctx.role === 'owner' || rule.who === 'everyone') return;
  if (ctx.role === 'viewer') {
    if (!adminContract[method].mutates) return;
    throw forbidden(`a viewer changes nothing (${method})`);
  }
  if (ctx.role === 'operator' && rule.who === 'project') return;
  throw forbidden(`an operator manages the tokens, cache, usage and audit of its own projects only (${method})`);
}
