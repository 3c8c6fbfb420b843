// `llm-proxy token ...`: mint, list, show and revoke the short-lived tokens handed to tools.

import type { Command } from 'commander';
import type { TokenView } from '../core/api/views.ts';
import { addConnectionOptions, connect, type ConnectionOptions } from './connection.ts';
import type { CliContext } from './context.ts';
import { detailTable, formatTime, listTable, orDash } from './format.ts';
import { printJson, println, UsageError } from './io.ts';
import type { TokenChanges } from './client.ts';
import { commaList, limitOr, usdOr, wholeNumber, type Nullable } from './option-parsers.ts';
import { budgetText, spendAgainst, usd } from './money-format.ts';
import { summaryOf } from './command-summaries.ts';
import { PROJECT_REF_HELP, projectIdOf, resolveProject } from './project-ref.ts';

export const DEFAULT_DURATION_MINUTES = 480;

interface CreateOptions extends ConnectionOptions {
  project: string;
  duration: number;
  maxRequests?: number;
  allowedModels?: string[];
  name?: string;
  rpmLimit?: Nullable<number>;
  tpmLimit?: Nullable<number>;
  maxConcurrent?: number;
  maxBudgetUsd?: Nullable<number>;
}

interface UpdateOptions extends ConnectionOptions {
  maxRequests?: number;
  allowedModels?: string[];
  allModels?: boolean;
  name?: string;
  rpmLimit?: Nullable<number>;
  tpmLimit?: Nullable<number>;
  maxConcurrent?: number;
  maxBudgetUsd?: Nullable<number>;
}

const BUDGET_HELP = 'USD this token may spend over its life, then 429 budget_exceeded (priced models only)';
const RPM_HELP = 'requests per minute (0 = no limit, "inherit" = the project default)';
const TPM_HELP = 'tokens per minute, counted from usage (0 = no limit, "inherit" = the project default)';
const CONCURRENT_HELP = 'requests in flight at once, per instance (0 = no limit)';

interface ListOptions extends ConnectionOptions {
  project?: string;
  activeOnly?: boolean;
}

export function registerTokenCommands(program: Command, ctx: CliContext): void {
  const token = program.command('token').description(summaryOf('token'));

  addConnectionOptions(token.command('create'))
    .description('mint a token for a project (shown once)')
    .requiredOption('--project <project>', PROJECT_REF_HELP)
    .option('--duration <minutes>', 'lifetime in minutes, up to 525600 (one year)', wholeNumber(1, 525_600), DEFAULT_DURATION_MINUTES)
    .option('--max-requests <n>', 'stop after this many requests (0 = unlimited)', wholeNumber(0))
    .option('--allowed-models <list>', 'comma-separated models or patterns, e.g. gpt-4o-mini,o3*', commaList)
    .option('--name <name>', 'a label, e.g. who or what uses it')
    .option('--rpm-limit <n>', RPM_HELP, limitOr('inherit', 1_000_000_000))
    .option('--tpm-limit <n>', TPM_HELP, limitOr('inherit'))
    .option('--max-concurrent <n>', CONCURRENT_HELP, wholeNumber(0, 100_000))
    .option('--max-budget-usd <usd>', BUDGET_HELP, usdOr('none'))
    .action(async (opts: CreateOptions) => {
      const client = connect(opts, ctx);
      const created = await client.api['tokens.create']({
        project_id: (await resolveProject(client, opts.project)).id,
        duration_minutes: opts.duration,
        ...(opts.maxRequests !== undefined && { max_requests: opts.maxRequests }),
        ...(opts.allowedModels !== undefined && { allowed_models: opts.allowedModels }),
        ...(opts.name !== undefined && { name: opts.name }),
        ...limitChanges(opts),
      });
      if (opts.json) return printJson(ctx.io, created);
      const out = ctx.io.stdout;
      println(out, 'Token created. It is shown only this once: store it now.');
      println(out);
      println(out, `  ${created.token}`);
      println(out);
      println(out, tokenDetails(created, ctx.now(), false));
      println(out);
      println(out, 'Use it with OpenAI SDKs and tools:');
      println(out, `  OPENAI_BASE_URL=${client.baseUrl}/v1 OPENAI_API_KEY=${created.token}`);
    });

  addConnectionOptions(token.command('list'))
    .description('list tokens')
    .option('--project <project>', `only this project’s tokens (${PROJECT_REF_HELP})`)
    .option('--active-only', 'only tokens that still work')
    .action(async (opts: ListOptions) => {
      const client = connect(opts, ctx);
      const tokens = await client.api['tokens.list']({ project_id: await projectIdOf(client, opts.project), active_only: opts.activeOnly || undefined });
      if (opts.json) return printJson(ctx.io, tokens);
      if (tokens.length === 0) return println(ctx.io.stdout, 'No tokens.');
      const now = ctx.now();
      const rows = tokens.map((t) => [
        t.id,
        orDash(t.name),
        t.project_id,
        t.token,
        t.status ?? (t.is_active ? 'active' : 'revoked'),
        requests(t),
        spendAgainst(t.spend_usd, t.max_budget_usd),
        formatTime(t.expires_at, now),
        formatTime(t.last_used_at, now, 'never'),
      ]);
      println(ctx.io.stdout, listTable(['ID', 'Name', 'Project', 'Token', 'Status', 'Requests', 'Spend', 'Expires', 'Last used'], rows));
    });

  addConnectionOptions(token.command('get'))
    .description('show one token')
    .argument('<id>', 'token id')
    .action(async (id: string, opts: ConnectionOptions) => {
      const found = await connect(opts, ctx).api['tokens.get']({ id });
      if (opts.json) return printJson(ctx.io, found);
      println(ctx.io.stdout, tokenDetails(found, ctx.now(), true));
    });

  addConnectionOptions(token.command('update'))
    .description("change a token's name, quota, models or rate limits (takes effect on its next request)")
    .argument('<id>', 'token id')
    .option('--name <name>', 'new label')
    .option('--max-requests <n>', 'stop after this many requests (0 = unlimited)', wholeNumber(0))
    .option('--allowed-models <list>', 'comma-separated models or patterns', commaList)
    .option('--all-models', 'allow every model')
    .option('--rpm-limit <n>', RPM_HELP, limitOr('inherit', 1_000_000_000))
    .option('--tpm-limit <n>', TPM_HELP, limitOr('inherit'))
    .option('--max-concurrent <n>', CONCURRENT_HELP, wholeNumber(0, 100_000))
    .option('--max-budget-usd <usd>', `${BUDGET_HELP}; "none" removes it`, usdOr('none'))
    .action(async (id: string, opts: UpdateOptions) => {
      if (opts.allModels && opts.allowedModels) throw new UsageError('give --allowed-models or --all-models, not both');
      const changes: TokenChanges = {
        ...(opts.name !== undefined && { name: opts.name }),
        ...(opts.maxRequests !== undefined && { max_requests: opts.maxRequests }),
        ...(opts.allowedModels !== undefined && { allowed_models: opts.allowedModels }),
        ...(opts.allModels && { allowed_models: null }),
        ...limitChanges(opts),
      };
      if (Object.keys(changes).length === 0) {
        throw new UsageError(
          'nothing to update: give --name, --max-requests, --allowed-models, --all-models, --rpm-limit, --tpm-limit, --max-concurrent or --max-budget-usd',
        );
      }
      const updated = await connect(opts, ctx).api['tokens.update']({ id, ...changes });
      if (opts.json) return printJson(ctx.io, updated);
      println(ctx.io.stdout, 'Token updated.');
      println(ctx.io.stdout, tokenDetails(updated, ctx.now(), true));
    });

  addConnectionOptions(token.command('revoke'))
    .description('revoke a token (takes effect on its next request; revoking twice is fine)')
    .argument('<id>', 'token id')
    .action(async (id: string, opts: ConnectionOptions) => {
      await connect(opts, ctx).api['tokens.revoke']({ id });
      // DELETE answers 204 without a body; --json still gets something to parse.
      if (opts.json) return printJson(ctx.io, { id, revoked: true });
      println(ctx.io.stdout, `Token ${id} revoked.`);
    });
}

function limitChanges(opts: { rpmLimit?: Nullable<number>; tpmLimit?: Nullable<number>; maxConcurrent?: number; maxBudgetUsd?: Nullable<number> }) {
  return {
    ...(opts.maxBudgetUsd !== undefined && { max_budget_usd: opts.maxBudgetUsd.value }),
    ...(opts.rpmLimit !== undefined && { rpm_limit: opts.rpmLimit.value }),
    ...(opts.tpmLimit !== undefined && { tpm_limit: opts.tpmLimit.value }),
    ...(opts.maxConcurrent !== undefined && { max_concurrent: opts.maxConcurrent }),
  };
}

/** `60 / min`, `project default`, `none`. */
function perMinute(value: number | null | undefined, unit: string): string {
  if (value === null || value === undefined) return 'project default';
  return value === 0 ? 'none' : `${value} ${unit} / min`;
}

function requests(t: TokenView): string {
  return `${t.request_count} / ${t.max_requests ? t.max_requests : '∞'}`;
}

function tokenDetails(t: TokenView, now: number, withToken: boolean): string {
  const rows: [string, string][] = [
    ['ID', t.id],
    ['Name', orDash(t.name)],
    ['Project', t.project_id],
    ...(withToken ? [['Token', t.token] as [string, string]] : []),
    ['Status', t.status ?? (t.is_active ? 'active' : 'revoked')],
    ['Expires', formatTime(t.expires_at, now)],
    ['Requests', requests(t)],
    ['Allowed models', t.allowed_models?.length ? t.allowed_models.join(', ') : 'all'],
    ['Rate limit', perMinute(t.rpm_limit, 'requests')],
    ['Token limit', perMinute(t.tpm_limit, 'tokens')],
    ['Concurrency', t.max_concurrent ? `${t.max_concurrent} at once` : 'no limit'],
    ['Budget', budgetText(t.max_budget_usd, "over the token's life")],
    ['Spend', usd(t.spend_usd ?? 0)],
    ['Prompt tokens', String(t.prompt_tokens ?? 0)],
    ['Completion tokens', String(t.completion_tokens ?? 0)],
    ['Cache hits', String(t.cache_hit_count ?? 0)],
    ['Created', formatTime(t.created_at, now)],
    ['Last used', formatTime(t.last_used_at, now, 'never')],
  ];
  if (t.revoked_at) rows.push(['Revoked', formatTime(t.revoked_at, now)]);
  return detailTable(rows);
}
