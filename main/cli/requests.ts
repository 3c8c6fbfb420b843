// `llm-proxy requests`: the request log (GET /manage/requests) — one line per proxied request, newest
// first, filtered by token, project, model, status and time. Metadata only: never a prompt or a key.
import { InvalidArgumentError, type Command } from 'commander';
import type { RequestLogItemView } from '../core/api/request-views.ts';
import { addConnectionOptions, connect, type ConnectionOptions } from './connection.ts';
import type { CliContext } from './context.ts';
import { formatTime, listTable, orDash } from './format.ts';
import { printJson, println } from './io.ts';
import { isoTime, wholeNumber } from './option-parsers.ts';
import { summaryOf } from './command-summaries.ts';
import { PROJECT_REF_HELP, projectIdOf } from './project-ref.ts';

interface ListOptions extends ConnectionOptions {
  token?: string;
  project?: string;
  model?: string;
  status?: string;
  from?: string;
  to?: string;
  page?: number;
  pageSize?: number;
}

function statusFilter(value: string): string {
  if (/^[1-5]\d\d$/.test(value) || /^[1-5]xx$/i.test(value)) return value.toLowerCase();
  throw new InvalidArgumentError('must be a status such as 429 or a class such as 4xx.');
}

export function registerRequestsCommand(program: Command, ctx: CliContext): void {
  addConnectionOptions(program.command('requests'))
    .description(summaryOf('requests'))
    .option('--token <id>', 'only requests made with this token')
    .option('--project <project>', `only requests of this project (${PROJECT_REF_HELP})`)
    .option('--model <model>', 'only requests for this model')
    .option('--status <status>', 'only this status (429) or class (4xx)', statusFilter)
    .option('--from <time>', 'requests at or after this time (e.g. 2025-01-31 or 2025-01-31T12:00:00Z)', isoTime)
    .option('--to <time>', 'requests before this time', isoTime)
    .option('--page <n>', 'page number, from 1', wholeNumber(1))
    .option('--page-size <n>', 'requests per page (up to 500)', wholeNumber(1, 500))
    .action(async (opts: ListOptions) => {
      const client = connect(opts, ctx);
      const page = await client.api['requests.list']({
        token_id: opts.token,
        project_id: await projectIdOf(client, opts.project),
        model: opts.model,
        status: opts.status,
        from: opts.from,
        to: opts.to,
        page: opts.page,
        page_size: opts.pageSize,
      });
      if (opts.json) return printJson(ctx.io, page);
      if (page.items.length === 0) return println(ctx.io.stdout, page.total ? `No requests on page ${page.page}.` : 'No requests match.');
      const now = ctx.now();
      const rows = page.items.map((r) => [
        formatTime(r.time, now),
        statusOf(r),
        `${r.method} ${r.path}`,
        orDash(r.model),
        orDash(r.token_id),
        tokensOf(r),
        costOf(r.cost_usd),
        `${Math.round(r.latency_ms)} ms`,
        orDash(r.cache),
        orDash(r.upstream_key),
      ]);
      println(ctx.io.stdout, listTable(['Time', 'Status', 'Request', 'Model', 'Token', 'Tokens in/out', 'Cost', 'Latency', 'Cache', 'Key'], rows));
      const pages = Math.max(1, Math.ceil(page.total / page.page_size));
      const more = page.page < pages ? ` (next: --page ${page.page + 1})` : '';
      println(ctx.io.stdout, `Page ${page.page} of ${pages}, ${page.total} request(s)${more}`);
    });
}

const statusOf = (r: RequestLogItemView) => (r.error_code ? `${r.status} ${r.error_code}` : String(r.status));
const tokensOf = (r: RequestLogItemView) =>
  r.prompt_tokens === null && r.completion_tokens === null ? '-' : `${r.prompt_tokens ?? 0}/${r.completion_tokens ?? 0}`;

/** USD with enough digits for a cheap call; "unpriced" when the model has no price. */
export function costOf(usd: number | null): string {
  if (usd === null) return 'unpriced';
  return `$${usd === 0 || usd >= 0.01 ? usd.toFixed(2) : usd.toPrecision(2)}`;
}
