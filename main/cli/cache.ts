// `llm-proxy cache ...`: see what the response cache holds and purge it (all, one project, a URL
// prefix, or one method + URL). Every purge lands in the audit trail.

import { Option, type Command } from 'commander';
import type { InputOf } from '../core/api/contract.ts';
import type { CacheStatsView } from '../core/api/views.ts';
import { addConnectionOptions, connect, type ConnectionOptions } from './connection.ts';
import type { CliContext } from './context.ts';
import { detailTable, formatTime, listTable } from './format.ts';
import { printJson, println, UsageError } from './io.ts';
import { summaryOf } from './command-summaries.ts';
import { PROJECT_REF_HELP, resolveProject } from './project-ref.ts';

interface PurgeOptions extends Omit<ConnectionOptions, 'url'> {
  /** The server: `--url` names the URL to purge here. */
  server?: string;
  all?: boolean;
  project?: string;
  prefix?: string;
  method?: string;
  url?: string;
}

export function registerCacheCommands(program: Command, ctx: CliContext): void {
  const cache = program.command('cache').description(summaryOf('cache'));

  // Not addConnectionOptions: `--url` is the URL to purge (as the Go proxy's CLI had it), so the server
  // is `--server` (or LLM_PROXY_URL) here.
  cache
    .command('purge')
    .option('--server <url>', 'server URL (env LLM_PROXY_URL, default http://127.0.0.1:8484)')
    .option('--management-token <token>', 'management token (env LLM_PROXY_MANAGEMENT_TOKEN; default: read <data-dir>/management-token)')
    .option('--data-dir <path>', "the server's data folder, where its generated management token is (env LLM_PROXY_DATA_DIR)")
    .option('--json', 'print the raw JSON answer')
    .description('remove cached answers: --all, --project <id>, --prefix </v1/...>, or --method <M> --url </v1/...> (a project narrows a prefix or URL)')
    .addOption(new Option('--all', 'every cached answer').conflicts(['project', 'prefix', 'method', 'url']))
    .option('--project <project>', `only this project's answers (${PROJECT_REF_HELP})`)
    .option('--prefix <path>', 'answers whose URL starts with this path, e.g. /v1/embeddings')
    .addOption(new Option('--method <method>', 'with --url: the request method').choices(['GET', 'POST', 'get', 'post']))
    .option('--url <url>', 'with --method: exactly this path and query (every body and token)')
    .action(async (opts: PurgeOptions) => {
      const input = purgeInput(opts);
      const { server, ...rest } = opts;
      const client = connect({ ...rest, url: server }, ctx);
      if (input.project_id !== undefined) input.project_id = (await resolveProject(client, input.project_id)).id;
      const result = await client.api['cache.purge'](input);
      if (opts.json) return printJson(ctx.io, result);
      println(ctx.io.stdout, `Purged ${result.deleted} cached answer${result.deleted === 1 ? '' : 's'} (${describe(input)}).`);
    });

  addConnectionOptions(cache.command('stats'))
    .description('entries, bytes, hit rate and the endpoints with the most cached answers')
    .action(async (opts: ConnectionOptions) => {
      const stats = await connect(opts, ctx).api['cache.stats']({});
      if (opts.json) return printJson(ctx.io, stats);
      printStats(ctx, stats);
    });
}

function purgeInput(opts: PurgeOptions): InputOf<'cache.purge'> {
  if (opts.all) return { all: true };
  if ((opts.method === undefined) !== (opts.url === undefined)) throw new UsageError('--method and --url go together');
  if (opts.prefix !== undefined && opts.url !== undefined) throw new UsageError('give either --prefix or --url, not both');
  if (opts.project === undefined && opts.prefix === undefined && opts.url === undefined) {
    throw new UsageError('say what to purge: --all, --project <id>, --prefix <path>, or --method <M> --url <path>');
  }
  return {
    ...(opts.project !== undefined && { project_id: opts.project }),
    ...(opts.prefix !== undefined && { prefix: opts.prefix }),
    ...(opts.method !== undefined && { method: opts.method.toUpperCase() }),
    ...(opts.url !== undefined && { url: opts.url }),
  };
}

function describe(input: InputOf<'cache.purge'>): string {
  if (input.all) return 'everything';
  const what = input.url !== undefined ? `${input.method} ${input.url}` : input.prefix !== undefined ? `URLs starting with ${input.prefix}` : 'all URLs';
  return input.project_id ? `${what} in project ${input.project_id}` : what;
}

function printStats(ctx: CliContext, s: CacheStatsView): void {
  const store = s.store === 'off' ? 'off (--cache-max-bytes 0)' : s.store === 'redis' ? 'Redis (shared by instances)' : 'memory (this instance)';
  println(
    ctx.io.stdout,
    detailTable([
      ['Store', store],
      ['Entries', `${s.entries}${s.partial ? ' (counted in part: many keys)' : ''}`],
      ['Size', s.max_bytes ? `${bytes(s.bytes)} of ${bytes(s.max_bytes)}` : bytes(s.bytes)],
      ['Hit rate', s.hit_rate === null ? '-' : `${(s.hit_rate * 100).toFixed(1)} % (${s.hits} hits, ${s.misses} misses, ${s.bypasses} not cacheable)`],
      ['Largest answer', bytes(s.max_object_bytes)],
      ['Default TTL', s.default_ttl_seconds ? `${s.default_ttl_seconds} s` : 'none (only requests that opt in)'],
      ['Counting since', formatTime(s.since, ctx.now())],
    ]),
  );
  if (s.top_endpoints.length === 0) return;
  println(
    ctx.io.stdout,
    listTable(
      ['Endpoint', 'Entries', 'Size', 'Hits'],
      s.top_endpoints.map((e) => [`${e.method} ${e.path}`, String(e.entries), bytes(e.bytes), String(e.hits)]),
    ),
  );
}

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
