// The AdminApi contract: one map of `domain.verb` → input schema (zod) and output type.
// The service implements it; REST routes, IPC handlers, the preload bridge, the renderer's transports
// and the CLI are thin adapters typed against it. Browser-safe: imports nothing from Node.
import { z } from 'zod';
import type { AdminMethodName } from './method-names.ts';
import {
  allowedModels,
  apiKey,
  baseUrl,
  cacheUrl,
  flag,
  id,
  isoTime,
  maxRequests,
  name,
  pageNumber,
  projectCache,
  projectLimits,
  provider,
  tokenLimits,
  upstreamKeyLabel,
  upstreamKeyWeight,
} from './contract-fields.ts';

export { baseUrl, providerIds, type EveryProviderListed } from './contract-fields.ts';
import type {
  AuditEventView,
  AuditPageView,
  CachePurgeResultView,
  CacheStatsView,
  CreatedTokenView,
  DashboardView,
  ProjectView,
  RevokeResultView,
  SystemInfoView,
  TokenView,
  UpstreamKeyView,
} from './views.ts';
import type { DeadLetterPageView, EventsStatusView, LiveSnapshotView, UsageDailyView } from './event-views.ts';
import { adminSchemas, type AdminView, type CallerView, type CreatedAdminView } from './admin-schemas.ts';
import type { RequestLogPageView } from './request-views.ts';
import { settingsSchemas, type RuntimeSettingsView } from './settings-schemas.ts';
import { tokenSorts, type TokenSearchPage } from './token-search.ts';
import { budgetUsd, pricesSchema } from './money-fields.ts';
import { projectTransformations } from './transformations-schema.ts';

export const schemas = {
  empty: z.object({}).strict(),
  byId: z.object({ id }).strict(),
  /** api_key becomes the project's first upstream key (label key_label, "default" when left out). */
  projectCreate: z
    .object({
      name,
      api_key: apiKey,
      key_label: upstreamKeyLabel.optional(),
      base_url: baseUrl.optional(),
      provider: provider.optional(),
      transformations: projectTransformations.optional(),
      ...projectLimits,
      ...projectCache,
      prices: pricesSchema.optional(),
      monthly_budget_usd: budgetUsd.optional(),
    })
    .strict(),
  projectUpdate: z
    .object({
      id,
      name: name.optional(),
      api_key: apiKey.optional(),
      base_url: baseUrl.optional(),
      is_active: z.boolean().optional(),
      revoke_tokens: z.boolean().optional(),
      /** Replaces the whole object; null clears it. */
      transformations: projectTransformations.nullable().optional(),
      ...projectLimits,
      ...projectCache,
      /** Replaces the whole object; null clears it. */
      prices: pricesSchema.nullable().optional(),
      monthly_budget_usd: budgetUsd.optional(),
    })
    .strict()
    .refine((v) => !v.revoke_tokens || v.is_active === false, { message: 'revoke_tokens needs is_active: false', path: ['revoke_tokens'] }),
  tokenCreate: z
    .object({
      project_id: id,
      duration_minutes: z.number().int('must be a whole number').min(1, 'must be at least 1').max(525_600, 'must be at most 525600 (one year)'),
      max_requests: maxRequests.optional(),
      max_budget_usd: budgetUsd.optional(),
      name: name.nullable().optional(),
      allowed_models: allowedModels.optional(),
      ...tokenLimits,
    })
    .strict(),
  tokenUpdate: z
    .object({
      id,
      is_active: z.boolean().optional(),
      max_requests: maxRequests.optional(),
      max_budget_usd: budgetUsd.optional(),
      name: name.nullable().optional(),
      allowed_models: allowedModels.optional(),
      ...tokenLimits,
    })
    .strict(),
  keyList: z.object({ project_id: id }).strict(),
  keyAdd: z.object({ project_id: id, label: upstreamKeyLabel, api_key: apiKey, weight: upstreamKeyWeight.optional() }).strict(),
  /** api_key rotates the key (same id, label and counters). */
  keyUpdate: z
    .object({
      project_id: id,
      id,
      label: upstreamKeyLabel.optional(),
      weight: upstreamKeyWeight.optional(),
      is_enabled: z.boolean().optional(),
      api_key: apiKey.optional(),
    })
    .strict(),
  keyRemove: z.object({ project_id: id, id }).strict(),
  tokenList: z.object({ project_id: id.optional(), active_only: flag.optional() }).strict(),
  /** One page of tokens: search (name, id, project), state, project, sort (active first by default). */
  tokenSearch: z
    .object({
      search: z.string().max(200, 'must be at most 200 characters').optional(),
      project_id: id.optional(),
      /** Any of these projects (`a,b` in a query string); an operator's are filled in. */
      project_ids: z.preprocess((v) => (typeof v === 'string' ? v.split(',').filter(Boolean) : v), z.array(id).max(100)).optional(),
      status: z.enum(['active', 'expired', 'exhausted', 'revoked'], { message: 'must be active, expired, exhausted or revoked' }).optional(),
      sort: z.enum(tokenSorts, { message: `must be one of ${tokenSorts.join(', ')}` }).optional(),
      order: z.enum(['asc', 'desc'], { message: 'must be asc or desc' }).optional(),
      page: pageNumber.optional(),
      page_size: z.coerce.number().int().min(1).max(500).optional(),
    })
    .strict(),
  /** `{all: true}`, `{project_id}`, `{prefix}` or `{method, url}`; a project narrows a prefix or URL to it. */
  cachePurge: z
    .object({
      all: z.literal(true, { message: 'must be true' }).optional(),
      project_id: id.optional(),
      prefix: z.string().trim().min(1, 'must not be empty').max(2000, 'is too long').regex(/^\//, 'must start with / (a path such as /v1/chat)').optional(),
      method: z
        .string()
        .trim()
        .toUpperCase()
        .pipe(z.enum(['GET', 'POST'], { message: 'must be GET or POST' }))
        .optional(),
      url: cacheUrl.optional(),
    })
    .strict()
    .superRefine((v, ctx) => {
      const selectors = [v.all, v.project_id, v.prefix, v.method ?? v.url].filter((x) => x !== undefined).length;
      if (selectors === 0) ctx.addIssue({ code: 'custom', message: 'say what to purge: all, project_id, prefix, or method and url', path: [] });
      if (v.all && selectors > 1) ctx.addIssue({ code: 'custom', message: 'all cannot be combined with other selectors', path: ['all'] });
      if ((v.method === undefined) !== (v.url === undefined))
        ctx.addIssue({ code: 'custom', message: 'method and url go together', path: [v.method === undefined ? 'method' : 'url'] });
      if (v.prefix !== undefined && v.url !== undefined) ctx.addIssue({ code: 'custom', message: 'give either a prefix or a url, not both', path: ['prefix'] });
    }),
  auditList: z
    .object({
      action: z.string().max(100).optional(),
      outcome: z.enum(['success', 'failure', 'denied']).optional(),
      project_id: id.optional(),
      token_id: id.optional(),
      /** Any of these projects (`a,b` in a query string). */
      project_ids: z.preprocess((v) => (typeof v === 'string' ? v.split(',').filter(Boolean) : v), z.array(id).max(100)).optional(),
      /** Exact actor, e.g. `admin:alice`. */
      actor: z.string().max(120).optional(),
      from: isoTime.optional(),
      to: isoTime.optional(),
      search: z.string().max(200).optional(),
      page: pageNumber.optional(),
      page_size: z.coerce.number().int().min(1).max(500).optional(),
    })
    .strict(),
  /** The request log; `status` is a code (429) or a class (4xx). */
  requestList: z
    .object({
      token_id: id.optional(),
      project_id: id.optional(),
      /** Any of these projects (`a,b` in a query string). */
      project_ids: z.preprocess((v) => (typeof v === 'string' ? v.split(',').filter(Boolean) : v), z.array(id).max(100)).optional(),
      model: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters').optional(),
      status: z
        .union([z.coerce.number().int().min(100).max(599), z.string().regex(/^[1-5]xx$/i, 'must be a status such as 429 or a class such as 4xx')])
        .transform((v) => (typeof v === 'number' ? { min: v, max: v } : { min: Number(v[0]) * 100, max: Number(v[0]) * 100 + 99 }))
        .optional(),
      from: isoTime.optional(),
      to: isoTime.optional(),
      page: pageNumber.optional(),
      page_size: z.coerce.number().int().min(1).max(500).optional(),
    })
    .strict(),
  deadLetterList: z
    .object({
      dispatcher: z.string().max(40).optional(),
      page: pageNumber.optional(),
      page_size: z.coerce.number().int().min(1).max(500).optional(),
    })
    .strict(),
  usageDaily: z
    .object({
      group_by: z.enum(['token', 'project']),
      project_id: id.optional(),
      token_id: id.optional(),
      days: z.coerce.number().int().min(1).max(92).optional(),
      /** The viewer's offset from UTC (minutes east), so days end at the viewer's midnight. */
      utc_offset_minutes: z.coerce.number().int().min(-840).max(840).optional(),
    })
    .strict(),
  ...adminSchemas,
  ...settingsSchemas,
};

interface Method<I extends z.ZodType, O> {
  input: I;
  /** Phantom: carries the output type only. */
  output?: O;
  /** Changes state (audited; refused cross-site). */
  mutates: boolean;
}

const query = <I extends z.ZodType, O>(input: I): Method<I, O> => ({ input, mutates: false });
const command = <I extends z.ZodType, O>(input: I): Method<I, O> => ({ input, mutates: true });

export const adminContract = {
  'projects.list': query<typeof schemas.empty, ProjectView[]>(schemas.empty),
  'projects.get': query<typeof schemas.byId, ProjectView>(schemas.byId),
  'projects.create': command<typeof schemas.projectCreate, ProjectView>(schemas.projectCreate),
  'projects.update': command<typeof schemas.projectUpdate, ProjectView>(schemas.projectUpdate),
  'projects.revokeTokens': command<typeof schemas.byId, RevokeResultView>(schemas.byId),
  'keys.list': query<typeof schemas.keyList, UpstreamKeyView[]>(schemas.keyList),
  'keys.add': command<typeof schemas.keyAdd, UpstreamKeyView>(schemas.keyAdd),
  'keys.update': command<typeof schemas.keyUpdate, UpstreamKeyView>(schemas.keyUpdate),
  /** Answers the key as it was just before removal. */
  'keys.remove': command<typeof schemas.keyRemove, UpstreamKeyView>(schemas.keyRemove),
  'tokens.list': query<typeof schemas.tokenList, TokenView[]>(schemas.tokenList),
  'tokens.search': query<typeof schemas.tokenSearch, TokenSearchPage>(schemas.tokenSearch),
  'tokens.get': query<typeof schemas.byId, TokenView>(schemas.byId),
  'tokens.create': command<typeof schemas.tokenCreate, CreatedTokenView>(schemas.tokenCreate),
  'tokens.update': command<typeof schemas.tokenUpdate, TokenView>(schemas.tokenUpdate),
  'tokens.revoke': command<typeof schemas.byId, TokenView>(schemas.byId),
  'audit.list': query<typeof schemas.auditList, AuditPageView>(schemas.auditList),
  'audit.get': query<typeof schemas.byId, AuditEventView>(schemas.byId),
  'cache.stats': query<typeof schemas.empty, CacheStatsView>(schemas.empty),
  'cache.purge': command<typeof schemas.cachePurge, CachePurgeResultView>(schemas.cachePurge),
  /** How many cached answers cache.purge would delete with the same selector; deletes nothing. */
  'cache.count': query<typeof schemas.cachePurge, { entries: number }>(schemas.cachePurge),
  'system.info': query<typeof schemas.empty, SystemInfoView>(schemas.empty),
  'dashboard.summary': query<typeof schemas.empty, DashboardView>(schemas.empty),
  'dashboard.live': query<typeof schemas.empty, LiveSnapshotView>(schemas.empty),
  'events.status': query<typeof schemas.empty, EventsStatusView>(schemas.empty),
  'events.deadLetters': query<typeof schemas.deadLetterList, DeadLetterPageView>(schemas.deadLetterList),
  'usage.daily': query<typeof schemas.usageDaily, UsageDailyView>(schemas.usageDaily),
  /** Stored request events (metadata only), newest first. */
  'requests.list': query<typeof schemas.requestList, RequestLogPageView>(schemas.requestList),
  /** Who is calling, with their role and projects. */
  'admins.me': query<typeof schemas.empty, CallerView>(schemas.empty),
  'admins.list': query<typeof schemas.empty, AdminView[]>(schemas.empty),
  'admins.create': command<typeof schemas.adminCreate, CreatedAdminView>(schemas.adminCreate),
  'admins.update': command<typeof schemas.adminUpdate, AdminView>(schemas.adminUpdate),
  /** Answers the admin as it was; their token is refused from the next call on. */
  'admins.remove': command<typeof schemas.byId, AdminView>(schemas.byId),
  /** A new token for the calling admin; the old one stops working at once. */
  'admins.rotateToken': command<typeof schemas.empty, CreatedAdminView>(schemas.empty),
  /** Settings that can change at run time, where each comes from, and which are locked. */
  'settings.get': query<typeof schemas.empty, RuntimeSettingsView>(schemas.empty),
  /** Applies at once (a Redis URL is tested first) and is kept across restarts, encrypted. */
  'settings.update': command<typeof schemas.settingsUpdate, RuntimeSettingsView>(schemas.settingsUpdate),
} as const satisfies Record<AdminMethodName, Method<z.ZodType, unknown>>;

/**
 * Subscriptions: values the server pushes about every `everyMs` while someone listens (Server-Sent
 * Events at `GET /manage/stream/<name>` over HTTP, `onSnapshot` in process for the desktop's IPC).
 * Each has a query of the same name that answers the current value once.
 */
export interface AdminSubscriptionValues {
  'dashboard.live': LiveSnapshotView;
}
export type AdminSubscription = keyof AdminSubscriptionValues;
export const adminSubscriptions: { [S in AdminSubscription]: { everyMs: number } } = {
  'dashboard.live': { everyMs: 1000 },
};

export function isAdminSubscription(value: string): value is AdminSubscription {
  return Object.prototype.hasOwnProperty.call(adminSubscriptions, value);
}

export type AdminMethod = keyof typeof adminContract;
export const adminMethods = Object.keys(adminContract) as AdminMethod[];

type ContractEntry<M extends AdminMethod> = (typeof adminContract)[M];
/** What a caller sends. */
export type InputOf<M extends AdminMethod> = z.input<ContractEntry<M>['input']>;
/** What a handler receives after validation. */
export type ParsedInputOf<M extends AdminMethod> = z.output<ContractEntry<M>['input']>;
export type OutputOf<M extends AdminMethod> = NonNullable<ContractEntry<M>['output']>;

/** The API as a caller sees it (renderer, CLI, tests). */
export type AdminApi = { [M in AdminMethod]: (input: InputOf<M>) => Promise<OutputOf<M>> };

export function isAdminMethod(value: string): value is AdminMethod {
  return Object.prototype.hasOwnProperty.call(adminContract, value);
}

/** Errors that cross any boundary (HTTP, IPC). */
export interface ApiErrorShape {
  code: string;
  message: string;
  issues?: { path: string; message: string }[];
}

/** How results cross IPC: Electron keeps only `message` from a thrown error. */
export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiErrorShape };
