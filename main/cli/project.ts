// `llm-proxy project ...`: projects hold upstream API keys (`project key ...`) and request rewrites
// (`project transform`); tokens are minted for a project.

import { Option, type Command } from 'commander';
import { limitOr, sharedLimitKey, usdOr, type Nullable } from './option-parsers.ts';
import { budgetText, spendAgainst, usd } from './money-format.ts';
import { providerIds } from '../core/api/contract.ts';
import type { ProjectView } from '../core/api/views.ts';
import { ApiError, type ProjectChanges } from './client.ts';
import { registerProjectKeyCommands } from './project-keys.ts';
import { registerProjectTransformCommand, transformationsSummary } from './project-transform.ts';
import { addConnectionOptions, connect, type ConnectionOptions } from './connection.ts';
import type { CliContext } from './context.ts';
import { detailTable, formatTime, listTable, yesNo } from './format.ts';
import { printJson, println, readSecretFromStdin, UsageError } from './io.ts';
import { summaryOf } from './command-summaries.ts';
import { PROJECT_REF_HELP, resolveProject } from './project-ref.ts';

interface LimitOptions {
  defaultRpmLimit?: Nullable<number>;
  defaultTpmLimit?: Nullable<number>;
  sharedRpmLimit?: Nullable<number>;
  sharedTpmLimit?: Nullable<number>;
  sharedLimitKey?: Nullable<string>;
  cacheTtl?: Nullable<number>;
  cachePerToken?: boolean;
  cacheShared?: boolean;
  monthlyBudgetUsd?: Nullable<number>;
}

interface CreateOptions extends ConnectionOptions, LimitOptions {
  name: string;
  apiKey: string;
  keyLabel?: string;
  baseUrl?: string;
  provider?: (typeof providerIds)[number];
}

interface UpdateOptions extends ConnectionOptions, LimitOptions {
  name?: string;
  apiKey?: string;
  baseUrl?: string;
  activate?: boolean;
  deactivate?: boolean;
  revokeTokens?: boolean;
}

const API_KEY_HELP = 'upstream API key; "-" reads it from stdin so it stays out of shell history';

/** The rate-limit options of create and update. */
function addLimitOptions(command: Command): Command {
  return command
    .option('--default-rpm-limit <n>', 'requests per minute for each token that sets none (0 or "none" = no default)', limitOr('none', 1_000_000_000))
    .option('--default-tpm-limit <n>', 'tokens per minute for each token that sets none (0 or "none" = no default)', limitOr('none'))
    .option(
      '--shared-rpm-limit <n>',
      'requests per minute shared by everyone with the same upstream key, on every instance on the same Redis (0 or "none" = off)',
      limitOr('none', 1_000_000_000),
    )
    .option('--shared-tpm-limit <n>', 'tokens per minute shared the same way (0 or "none" = off)', limitOr('none'))
    .option('--shared-limit-key <key>', 'name of the shared budget ("default" = derived from the upstream key)', sharedLimitKey)
    .option(
      '--cache-ttl <seconds>',
      'cache POST answers this long without a client opt-in (0 = only on opt-in, "default" = the server\'s --cache-default-ttl-seconds)',
      limitOr('default', 31_536_000),
    )
    .addOption(new Option('--cache-per-token', 'each token gets its own cached answers').conflicts('cacheShared'))
    .addOption(new Option('--cache-shared', "the project's tokens share cached answers (the default)"))
    .option(
      '--monthly-budget-usd <usd>',
      'USD all its tokens may spend per calendar month (UTC), then 429 budget_exceeded ("none" = no budget)',
      usdOr('none'),
    );
}

type LimitChanges = Pick<
  ProjectChanges,
  | 'default_rpm_limit'
  | 'default_tpm_limit'
  | 'shared_rpm_limit'
  | 'shared_tpm_limit'
  | 'shared_limit_key'
  | 'cache_default_ttl_seconds'
  | 'cache_shared_across_tokens'
  | 'monthly_budget_usd'
>;

function limitChanges(opts: LimitOptions): LimitChanges {
  return {
    ...(opts.defaultRpmLimit !== undefined && { default_rpm_limit: opts.defaultRpmLimit.value }),
    ...(opts.defaultTpmLimit !== undefined && { default_tpm_limit: opts.defaultTpmLimit.value }),
    ...(opts.sharedRpmLimit !== undefined && { shared_rpm_limit: opts.sharedRpmLimit.value }),
    ...(opts.sharedTpmLimit !== undefined && { shared_tpm_limit: opts.sharedTpmLimit.value }),
    ...(opts.sharedLimitKey !== undefined && { shared_limit_key: opts.sharedLimitKey.value }),
    ...(opts.cacheTtl !== undefined && { cache_default_ttl_seconds: opts.cacheTtl.value }),
    ...(opts.cachePerToken && { cache_shared_across_tokens: false }),
    ...(opts.cacheShared && { cache_shared_across_tokens: true }),
    ...(opts.monthlyBudgetUsd !== undefined && { monthly_budget_usd: opts.monthlyBudgetUsd.value }),
  };
}

export function registerProjectCommands(program: Command, ctx: CliContext): void {
  const project = program.command('project').description(summaryOf('project'));

  addLimitOptions(
    addConnectionOptions(project.command('create'))
      .description('create a project')
      .requiredOption('--name <name>', 'project name (unique)')
      .requiredOption('--api-key <key>', `its first ${API_KEY_HELP}`)
      .option('--key-label <label>', 'label of that first key (default "default"); add more with `project key add`')
      .addOption(new Option('--provider <provider>', 'API flavour of the upstream (default openai)').choices(providerIds))
      .option(
        '--base-url <url>',
        "where its requests go; default: the provider's own (https://api.openai.com, https://api.anthropic.com); required for openai-compatible (e.g. http://127.0.0.1:11434 for Ollama) and azure (https://<resource>.openai.azure.com/openai)",
      ),
  ).action(async (opts: CreateOptions) => {
    const apiKey = opts.apiKey === '-' ? await readSecretFromStdin(ctx.io, '--api-key') : opts.apiKey;
    const created = await connect(opts, ctx).api['projects.create']({
      name: opts.name,
      api_key: apiKey,
      ...(opts.keyLabel !== undefined && { key_label: opts.keyLabel }),
      ...(opts.baseUrl !== undefined && { base_url: opts.baseUrl }),
      ...(opts.provider !== undefined && { provider: opts.provider }),
      ...limitChanges(opts),
    });
    printProject(ctx, opts, created, `Project "${created.name}" created.`);
  });

  addConnectionOptions(project.command('list'))
    .description('list projects')
    .action(async (opts: ConnectionOptions) => {
      const projects = await connect(opts, ctx).api['projects.list']({});
      if (opts.json) return printJson(ctx.io, projects);
      if (projects.length === 0) return println(ctx.io.stdout, 'No projects yet. Create one with `llm-proxy project create`.');
      const now = ctx.now();
      const rows = projects.map((p) => [
        p.id,
        p.name,
        p.provider,
        p.api_key,
        String(p.key_count),
        yesNo(p.is_active),
        spendAgainst(p.month_spend_usd, p.monthly_budget_usd),
        usd(p.spend_usd ?? 0),
        formatTime(p.created_at, now),
      ]);
      println(ctx.io.stdout, listTable(['ID', 'Name', 'Provider', 'API key', 'Keys', 'Active', 'Month spend', 'Spend', 'Created'], rows));
    });

  addConnectionOptions(project.command('get'))
    .description('show one project')
    .argument('<project>', PROJECT_REF_HELP)
    .action(async (ref: string, opts: ConnectionOptions) => {
      const client = connect(opts, ctx);
      printProject(ctx, opts, await client.api['projects.get']({ id: (await resolveProject(client, ref)).id }));
    });

  addLimitOptions(
    addConnectionOptions(project.command('update'))
      .description('change a project')
      .argument('<project>', PROJECT_REF_HELP)
      .option('--name <name>', 'new name')
      .option('--api-key <key>', `new ${API_KEY_HELP}; only while the project has one key (else use \`project key rotate\`)`)
      .option('--base-url <url>', 'new upstream base URL')
      .addOption(new Option('--activate', 'let its tokens work again').conflicts('deactivate'))
      .addOption(new Option('--deactivate', 'block all its tokens at once'))
      .option('--revoke-tokens', 'with --deactivate: also revoke every token for good'),
  ).action(async (ref: string, opts: UpdateOptions) => {
    if (opts.revokeTokens && !opts.deactivate) throw new UsageError('--revoke-tokens needs --deactivate');
    const changes: ProjectChanges = {
      ...(opts.name !== undefined && { name: opts.name }),
      ...(opts.apiKey !== undefined && { api_key: opts.apiKey === '-' ? await readSecretFromStdin(ctx.io, '--api-key') : opts.apiKey }),
      ...(opts.baseUrl !== undefined && { base_url: opts.baseUrl }),
      ...(opts.activate && { is_active: true }),
      ...(opts.deactivate && { is_active: false }),
      ...(opts.revokeTokens && { revoke_tokens: true }),
      ...limitChanges(opts),
    };
    if (Object.keys(changes).length === 0) {
      throw new UsageError('nothing to update: give --name, --api-key, --base-url, --activate, --deactivate, a limit or a cache option');
    }
    const client = connect(opts, ctx);
    const { id } = await resolveProject(client, ref);
    const updated = await client.api['projects.update']({ id, ...changes }).catch((err: unknown) => {
      if (err instanceof ApiError && err.code === 'ambiguous_upstream_key') {
        throw new ApiError(
          err.status,
          err.code,
          err.message,
          err.issues,
          `pick the key: llm-proxy project key list ${id}, then llm-proxy project key rotate ${id} <key> --api-key -`,
        );
      }
      throw err;
    });
    printProject(ctx, opts, updated, 'Project updated.');
  });

  addConnectionOptions(project.command('deactivate'))
    .description('block every token of a project at once (it can be activated again)')
    .argument('<project>', PROJECT_REF_HELP)
    .option('--revoke-tokens', 'also revoke every token for good')
    .action(async (ref: string, opts: ConnectionOptions & { revokeTokens?: boolean }) => {
      const changes: ProjectChanges = { is_active: false, ...(opts.revokeTokens && { revoke_tokens: true }) };
      const client = connect(opts, ctx);
      const updated = await client.api['projects.update']({ id: (await resolveProject(client, ref)).id, ...changes });
      const what = opts.revokeTokens ? 'deactivated; its tokens are revoked' : 'deactivated; its tokens are blocked';
      printProject(ctx, opts, updated, `Project "${updated.name}" ${what}.`);
    });

  registerProjectKeyCommands(project, ctx);
  registerProjectTransformCommand(project, ctx);

  addConnectionOptions(project.command('revoke-tokens'))
    .description('revoke every token of a project (the project stays active)')
    .argument('<project>', PROJECT_REF_HELP)
    .action(async (ref: string, opts: ConnectionOptions) => {
      const client = connect(opts, ctx);
      const result = await client.api['projects.revokeTokens']({ id: (await resolveProject(client, ref)).id });
      if (opts.json) return printJson(ctx.io, result);
      println(
        ctx.io.stdout,
        `Revoked ${result.revoked_count} token(s); ${result.already_revoked_count} were already revoked (${result.total_tokens} in total).`,
      );
    });
}

export function printProject(ctx: CliContext, opts: ConnectionOptions, p: ProjectView, headline?: string): void {
  if (opts.json) return printJson(ctx.io, p);
  const now = ctx.now();
  if (headline) println(ctx.io.stdout, headline);
  println(
    ctx.io.stdout,
    detailTable([
      ['ID', p.id],
      ['Name', p.name],
      ['Provider', p.provider],
      ['Base URL', p.base_url],
      ['API key', p.api_key],
      ['Keys', p.key_count === 1 ? '1' : `${p.key_count} (see llm-proxy project key list ${p.id})`],
      ['Transformations', transformationsSummary(p.transformations)],
      ['Active', yesNo(p.is_active)],
      ['Defaults', perMinute(p.default_rpm_limit, p.default_tpm_limit, 'per token')],
      ['Shared', perMinute(p.shared_rpm_limit, p.shared_tpm_limit, `key: ${p.shared_limit_key ?? 'from the upstream key'}`)],
      ['Cache', cacheSummary(p)],
      ['Budget', budgetText(p.monthly_budget_usd, 'per month (UTC)')],
      ['Spend', `${usd(p.month_spend_usd ?? 0)} this month, ${usd(p.spend_usd ?? 0)} in all`],
      ['Prices', pricesSummary(p.prices)],
      ['Created', formatTime(p.created_at, now)],
      ['Updated', formatTime(p.updated_at, now)],
      ['Deactivated', formatTime(p.deactivated_at, now)],
    ]),
  );
}

/** `gpt-4o*: $2.5 in, $10 out per million tokens; …`, or the catalogue's. */
function pricesSummary(prices: ProjectView['prices'] | undefined): string {
  const entries = Object.entries(prices ?? {});
  if (entries.length === 0) return "the price catalogue's";
  return entries
    .map(
      ([glob, p]) =>
        `${glob}: ${usd(p.input_per_mtok)} in, ${usd(p.output_per_mtok)} out${p.cached_input_per_mtok === undefined ? '' : `, ${usd(p.cached_input_per_mtok)} cached`} per million tokens`,
    )
    .join('; ');
}

/** `POST answers 300 s without opt-in, shared by its tokens`. */
function cacheSummary(p: ProjectView): string {
  const ttl =
    p.cache_default_ttl_seconds === null
      ? "server's default TTL"
      : p.cache_default_ttl_seconds === 0
        ? 'only on opt-in'
        : `POST answers ${p.cache_default_ttl_seconds} s without opt-in`;
  return `${ttl}, ${p.cache_shared_across_tokens === false ? 'per token' : 'shared by its tokens'}`;
}

/** `60 requests / min, 20000 tokens / min (per token)`, or `none`. */
function perMinute(rpm: number | null | undefined, tpm: number | null | undefined, note: string): string {
  const parts = [rpm ? `${rpm} requests / min` : '', tpm ? `${tpm} tokens / min` : ''].filter(Boolean);
  return parts.length ? `${parts.join(', ')} (${note})` : 'none';
}
