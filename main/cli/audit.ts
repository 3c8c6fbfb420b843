// `llm-proxy audit ...`: read the audit trail (mint, use, refuse, revoke, purge).

import type { InputOf } from '../core/api/contract.ts';
import { Option, type Command } from 'commander';
import type { AuditEventView } from '../core/api/views.ts';
import type { AuditFilter } from './client.ts';
import { addConnectionOptions, connect, type ConnectionOptions } from './connection.ts';
import type { CliContext } from './context.ts';
import { detailTable, formatTime, listTable, orDash } from './format.ts';
import { printJson, println } from './io.ts';
import { isoTime, wholeNumber } from './option-parsers.ts';
import { summaryOf } from './command-summaries.ts';
import { PROJECT_REF_HELP, projectIdOf } from './project-ref.ts';

interface ListOptions extends ConnectionOptions {
  action?: string;
  outcome?: string;
  project?: string;
  token?: string;
  from?: string;
  to?: string;
  search?: string;
  page?: number;
  pageSize?: number;
}

export function registerAuditCommands(program: Command, ctx: CliContext): void {
  const audit = program.command('audit').description(summaryOf('audit'));

  addConnectionOptions(audit.command('list'))
    .description('list audit events, newest first')
    .option('--action <action>', 'only this action, e.g. token.create')
    .addOption(new Option('--outcome <outcome>', 'only this outcome').choices(['success', 'failure', 'denied']))
    .option('--project <project>', `only events of this project (${PROJECT_REF_HELP})`)
    .option('--token <id>', 'only events of this token')
    .option('--from <time>', 'events at or after this time (e.g. 2025-01-31 or 2025-01-31T12:00:00Z)', isoTime)
    .option('--to <time>', 'events at or before this time', isoTime)
    .option('--search <text>', 'text to look for in action, actor, target and details')
    .option('--page <n>', 'page number, from 1', wholeNumber(1))
    .option('--page-size <n>', 'events per page (up to 500)', wholeNumber(1, 500))
    .action(async (opts: ListOptions) => {
      const client = connect(opts, ctx);
      const filter: AuditFilter = {
        action: opts.action,
        outcome: opts.outcome,
        project_id: await projectIdOf(client, opts.project),
        token_id: opts.token,
        from: opts.from,
        to: opts.to,
        search: opts.search,
        page: opts.page,
        page_size: opts.pageSize,
      };
      // The server validates the filter (the values are the flags as typed; `outcome` among them).
      const page = await client.api['audit.list'](filter as InputOf<'audit.list'>);
      if (opts.json) return printJson(ctx.io, page);
      const { pagination: p } = page;
      if (page.events.length === 0) return println(ctx.io.stdout, p.total_count ? `No events on page ${p.page}.` : 'No audit events match.');
      const now = ctx.now();
      const rows = page.events.map((e) => [e.id, formatTime(e.time, now), e.action, e.outcome, e.actor, target(e)]);
      println(ctx.io.stdout, listTable(['ID', 'Time', 'Action', 'Outcome', 'Actor', 'Target'], rows));
      const more = p.has_next ? ` (next: --page ${p.page + 1})` : '';
      println(ctx.io.stdout, `Page ${p.page} of ${Math.max(p.total_pages, 1)}, ${p.total_count} event(s)${more}`);
    });

  addConnectionOptions(audit.command('get'))
    .description('show one audit event with its details')
    .argument('<id>', 'event id')
    .action(async (id: string, opts: ConnectionOptions) => {
      const e = await connect(opts, ctx).api['audit.get']({ id });
      if (opts.json) return printJson(ctx.io, e);
      const now = ctx.now();
      println(
        ctx.io.stdout,
        detailTable([
          ['ID', e.id],
          ['Time', formatTime(e.time, now)],
          ['Action', e.action],
          ['Outcome', e.outcome],
          ['Actor', e.actor],
          ['Target', target(e)],
          ['Project', orDash(e.project_id)],
          ['Token', orDash(e.token_id)],
          ['Request', orDash(e.request_id)],
          ['Client IP', orDash(e.client_ip)],
          ['Details', JSON.stringify(e.details ?? {}, null, 2)],
        ]),
      );
    });
}

function target(e: AuditEventView): string {
  if (!e.target_type && !e.target_id) return '-';
  return [e.target_type, e.target_id].filter(Boolean).join(' ');
}
