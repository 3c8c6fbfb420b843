// `llm-proxy migrate up|down|status`: move the schema explicitly (the server migrates up on start), in the
// SQLite file or, with --database-url / LLM_PROXY_DATABASE_URL, in PostgreSQL (under an advisory lock).

import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { loadSomeSettings } from '../core/config/settings.ts';
import type { CliContext, OpenedMigrator } from './context.ts';
import { CliError, printJson, println, UsageError } from './io.ts';
import { wholeNumber } from './option-parsers.ts';
import { summaryOf } from './command-summaries.ts';

interface DatabaseOptions {
  dataDir?: string;
  databaseFile?: string;
  databaseUrl?: string;
  config?: string;
  json?: boolean;
}

interface DownOptions extends DatabaseOptions {
  to?: string;
  step?: number;
}

function addDatabaseOptions(cmd: Command): Command {
  return cmd
    .option('--data-dir <path>', 'data folder (env LLM_PROXY_DATA_DIR)')
    .option('--database-file <path>', 'database file (env LLM_PROXY_DATABASE_FILE; default <data-dir>/llm-proxy.db)')
    .option('--database-url <url>', 'PostgreSQL instead of the SQLite file (env LLM_PROXY_DATABASE_URL)')
    .option('--config <path>', 'JSON config file (env LLM_PROXY_CONFIG)')
    .option('--json', 'print the result as JSON');
}

export function registerMigrateCommands(program: Command, ctx: CliContext): void {
  const migrate = program.command('migrate').description(summaryOf('migrate'));

  addDatabaseOptions(migrate.command('up'))
    .description('apply every pending migration')
    .action(async (opts: DatabaseOptions) => {
      const applied = await withMigrator(ctx, opts, { mustExist: false }, (m) => m.up());
      if (opts.json) return printJson(ctx.io, { applied });
      println(ctx.io.stdout, applied.length ? `Applied: ${applied.join(', ')}` : 'Already up to date.');
    });

  addDatabaseOptions(migrate.command('down'))
    .description('revert the last migration (or down to --to)')
    .option('--to <name|0>', 'revert down to and including this migration; 0 reverts all')
    .option('--step <n>', 'revert this many migrations', wholeNumber(1))
    .action(async (opts: DownOptions) => {
      if (opts.to !== undefined && opts.step !== undefined) throw new UsageError('give --to or --step, not both');
      const target = opts.to === undefined ? (opts.step === undefined ? { step: 1 } : { step: opts.step }) : { to: opts.to === '0' ? (0 as const) : opts.to };
      const reverted = await withMigrator(ctx, opts, { mustExist: true }, (m) => m.down(target));
      if (opts.json) return printJson(ctx.io, { reverted });
      println(ctx.io.stdout, reverted.length ? `Reverted: ${reverted.join(', ')}` : 'Nothing to revert.');
    });

  addDatabaseOptions(migrate.command('status'))
    .description('list applied and pending migrations')
    .action(async (opts: DatabaseOptions) => {
      const { file, status } = await withMigrator(ctx, opts, { mustExist: true }, async (m, f) => ({ file: f, status: await m.status() }));
      if (opts.json) return printJson(ctx.io, { database: file, ...status });
      const out = ctx.io.stdout;
      println(out, `Database:     ${file}`);
      println(out, `Applied:      ${status.applied.length ? status.applied.join(', ') : '(none)'}`);
      println(out, `Pending:      ${status.pending.length ? status.pending.join(', ') : '(none)'}`);
      println(out, `Latest known: ${status.latestKnown || '(none)'}`);
    });
}

async function withMigrator<T>(
  ctx: CliContext,
  opts: DatabaseOptions,
  { mustExist }: { mustExist: boolean },
  run: (migrator: OpenedMigrator['migrator'], file: string) => Promise<T>,
): Promise<T> {
  const { databaseFile, databaseUrl } = loadSomeSettings(
    { flags: { dataDir: opts.dataDir, databaseFile: opts.databaseFile, databaseUrl: opts.databaseUrl, config: opts.config }, env: ctx.io.env, cwd: ctx.cwd },
    ['databaseFile', 'databaseUrl'],
  );
  if (databaseUrl) {
    // PostgreSQL: the database exists already (the server creates none); shown without credentials.
    const { redactPostgresUrl } = await import('../core/store/postgres.ts');
    const pgOpened = await ctx.deps.openMigrator(databaseUrl);
    try {
      return await run(pgOpened.migrator, redactPostgresUrl(databaseUrl));
    } finally {
      await pgOpened.close();
    }
  }
  // Opening creates the file; only `up` may do that.
  if (mustExist && !existsSync(databaseFile)) {
    throw new CliError('database_not_found', `no database at ${databaseFile}`, 'create it with `llm-proxy migrate up` (or start `llm-proxy serve`)');
  }
  const opened = await ctx.deps.openMigrator(databaseFile);
  try {
    return await run(opened.migrator, databaseFile);
  } finally {
    await opened.close();
  }
}
