// The top-level commands and their one-line summaries. Only the command being run is loaded (the others
// are listed by name and summary), so `--version`, `--help` and a client command such as `token list`
// never load the server, the settings schema or the ACME client they do not use.
import type { Command } from 'commander';
import { commandSummaries, type CommandName } from './command-summaries.ts';
import type { CliContext } from './context.ts';

type Register = (program: Command, ctx: CliContext) => void;

interface CommandGroup {
  summary: string;
  load(): Promise<Register>;
}

export const commandGroups = {
  serve: { summary: commandSummaries.serve, load: async () => (await import('./serve.ts')).registerServeCommand },
  exec: { summary: commandSummaries.exec, load: async () => (await import('./exec.ts')).registerExecCommand },
  migrate: { summary: commandSummaries.migrate, load: async () => (await import('./migrate.ts')).registerMigrateCommands },
  db: { summary: commandSummaries.db, load: async () => (await import('./db.ts')).registerDbCommands },
  project: { summary: commandSummaries.project, load: async () => (await import('./project.ts')).registerProjectCommands },
  token: { summary: commandSummaries.token, load: async () => (await import('./token.ts')).registerTokenCommands },
  admin: { summary: commandSummaries.admin, load: async () => (await import('./admin.ts')).registerAdminCommands },
  audit: { summary: commandSummaries.audit, load: async () => (await import('./audit.ts')).registerAuditCommands },
  requests: { summary: commandSummaries.requests, load: async () => (await import('./requests.ts')).registerRequestsCommand },
  cache: { summary: commandSummaries.cache, load: async () => (await import('./cache.ts')).registerCacheCommands },
  tls: { summary: commandSummaries.tls, load: async () => (await import('./tls.ts')).registerTlsCommands },
} satisfies Record<CommandName, CommandGroup>;

export { summaryOf, type CommandName } from './command-summaries.ts';

/** The command the arguments run (`help <command>` included), or null for the program's own flags. */
export function commandOf(argv: readonly string[]): CommandName | null {
  const words = argv.filter((arg) => !arg.startsWith('-'));
  const name = words[0] === 'help' ? words[1] : words[0];
  return name !== undefined && Object.hasOwn(commandGroups, name) ? (name as CommandName) : null;
}

/** Registers the command being run in full, and every other one by name and summary (for help and suggestions). */
export async function registerCommands(program: Command, ctx: CliContext, argv: readonly string[]): Promise<void> {
  const wanted = commandOf(argv);
  for (const [name, group] of Object.entries(commandGroups) as [CommandName, CommandGroup][]) {
    if (name === wanted) (await group.load())(program, ctx);
    else program.command(name).description(group.summary);
  }
}
