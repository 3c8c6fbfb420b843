// `llm-proxy token ...`: mint, list, show and revoke the short-lived tokens handed to tools.

import type { Command } from 'commander';
import type { TokenView } from '../core/api/views.ts';
import { addConnectionOptions, connect, type ConnectionOptions } from './connection.ts';
import type { CliContext } from './context.ts';
import { detailTable, formatTime, listTable, orDash } from './format.ts';
import { printJson, println } from './io.ts';
import { commaList, wholeNumber } from './option-parsers.ts';

export const DEFAULT_DURATION_MINUTES = 480;

interface CreateOptions extends ConnectionOptions {
  project: string;
  duration: number;
  maxRequests?: number;
  allowedModels?: string[];
  name?: string;
}

interface ListOptions extends ConnectionOptions {
  project?: string;
  activeOnly?: boolean;
}

export function registerTokenCommands(program: Command, ctx: CliContext): void {
  const token = program.command('token').description('mint, list and revoke tokens');

  addConnectionOptions(token.command('create'))
    .description('mint a token for a project (shown once)')
    .requiredOption('--project <id>', 'project id')
    .option('--duration <minutes>', 'lifetime in minutes, up to 525600 (one year)', wholeNumber(1, 525_600), DEFAULT_DURATION_MINUTES)
    .option('--max-requests <n>', 'stop after this many requests (0 = unlimited)', wholeNumber(0))
    .option('--allowed-models <list>', 'comma-separated models or patterns, e.g. gpt-4o-mini,o3*', commaList)
    .option('--name <name>', 'a label, e.g. who or what uses it')
    .action(async (opts: CreateOptions) => {
      const client = connect(opts, ctx);
      const created = await client.createToken({
        project_id: opts.project,
        duration_minutes: opts.duration,
        ...(opts.maxRequests !== undefined && { max_requests: opts.maxRequests }),
        ...(opts.allowedModels !== undefined && { allowed_models: opts.allowedModels }),
        ...(opts.name !== undefined && { name: opts.name }),
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
    .option('--project <id>', 'only this project’s tokens')
    .option('--active-only', 'only tokens that still work')
    .action(async (opts: ListOptions) => {
      const tokens = await connect(opts, ctx).listTokens({ projectId: opts.project, activeOnly: opts.activeOnly });
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
        formatTime(t.expires_at, now),
        formatTime(t.last_used_at, now, 'never'),
      ]);
      println(ctx.io.stdout, listTable(['ID', 'Name', 'Project', 'Token', 'Status', 'Requests', 'Expires', 'Last used'], rows));
    });

  addConnectionOptions(token.command('get'))
    .description('show one token')
    .argument('<id>', 'token id')
    .action(async (id: string, opts: ConnectionOptions) => {
      const found = await connect(opts, ctx).getToken(id);
      if (opts.json) return printJson(ctx.io, found);
      println(ctx.io.stdout, tokenDetails(found, ctx.now(), true));
    });

  addConnectionOptions(token.command('revoke'))
    .description('revoke a token (takes effect on its next request; revoking twice is fine)')
    .argument('<id>', 'token id')
    .action(async (id: string, opts: ConnectionOptions) => {
      await connect(opts, ctx).revokeToken(id);
      // DELETE answers 204 without a body; --json still gets something to parse.
      if (opts.json) return printJson(ctx.io, { id, revoked: true });
      println(ctx.io.stdout, `Token ${id} revoked.`);
    });
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
    ['Prompt tokens', String(t.prompt_tokens ?? 0)],
    ['Completion tokens', String(t.completion_tokens ?? 0)],
    ['Cache hits', String(t.cache_hit_count ?? 0)],
    ['Created', formatTime(t.created_at, now)],
    ['Last used', formatTime(t.last_used_at, now, 'never')],
  ];
  if (t.revoked_at) rows.push(['Revoked', formatTime(t.revoked_at, now)]);
  return detailTable(rows);
}
