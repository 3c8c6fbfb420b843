// `llm-proxy db copy --from <sqlite file> --to <postgres url> [--force]`: moves a desktop's data into
// PostgreSQL and prints the verified row counts (see main/core/store/copy.ts).

import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from './context.ts';
import { CliError, printJson, println } from './io.ts';
import { summaryOf } from './command-summaries.ts';

interface CopyOptions {
  from: string;
  to: string;
  force?: boolean;
  json?: boolean;
}

export function registerDbCommands(program: Command, ctx: CliContext): void {
  const db = program.command('db').description(summaryOf('db'));
  db.command('copy')
    .description('copy projects, tokens, usage and the audit trail from a SQLite file into PostgreSQL')
    .requiredOption('--from <file>', 'the SQLite database file (e.g. <data-dir>/llm-proxy.db)')
    .requiredOption('--to <url>', 'the PostgreSQL URL (postgres://user@host:5432/db); migrated first')
    .option('--force', 'merge into a database that already holds rows (rows with the same id are overwritten)')
    .option('--json', 'print the result as JSON')
    .action(async (opts: CopyOptions) => {
      const from = path.resolve(ctx.cwd, opts.from);
      if (!existsSync(from)) throw new CliError('database_not_found', `no database at ${from}`);
      if (!/^postgres(ql)?:\/\//i.test(opts.to)) throw new CliError('validation_failed', '--to must be a postgres:// or postgresql:// URL');
      const { copySqliteToPostgres } = await import('../core/store/copy.ts');
      const result = await copySqliteToPostgres({ from, to: opts.to, force: opts.force === true });
      if (opts.json) return printJson(ctx.io, result);
      const out = ctx.io.stdout;
      println(out, `Copied ${result.from} → ${result.to}`);
      for (const [table, c] of Object.entries(result.tables))
        println(out, `  ${table.padEnd(13)} ${String(c.source).padStart(8)} read, ${String(c.target).padStart(8)} verified`);
      println(out, result.verified ? 'Verified: every row arrived.' : 'Verification FAILED: some rows are missing in PostgreSQL.');
      println(
        out,
        "Run the PostgreSQL instances with the same data key (LLM_PROXY_ENCRYPTION_KEY or this data folder's data-key), or keys will not decrypt and tokens will not match.",
      );
      if (!result.verified) throw new CliError('copy_unverified', 'some rows did not arrive');
    });
}
