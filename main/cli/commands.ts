// The top-level commands and their one-line summaries. Only the command being run is loaded (the others
// are listed by name and summary), so `--version`, `--help` and a client command such as `token list`
// never load the server, the settings schema or the ACME client they do not use.
import type { Command } from 'commander';
import type { CliContext } from './context.ts';

type Register = (program: Command, ctx: CliContext) => void;

interface CommandGroup {
  summary: string;
  load(): Promise<Register>;
}

export const commandGroups = {
  serve: { summary: 'run the proxy (/v1), the management API (/manage) and the admin screens (/admin)', load: async () => (await import('./serve.ts')).registerServeCommand },
  exec: { summary: 'run a command with a fresh token of a project in its environment, revoked when it ends', load: async () => (await import('./exec.ts')).registerExecCommand },
  migrate: { summary: 'apply, revert or list database schema migrations', load: async () => (await import('./migrate.ts')).registerMigrateCommands },
  db: { summary: 'move data between stores', load: async () => (await import('./db.ts')).registerDbCommands },
  project: { summary: 'manage projects (each holds one or more upstream API keys)', load: async () => (await import('./project.ts')).registerProjectCommands },
  token: { summary: 'mint, list and revoke tokens', load: async () => (await import('./token.ts')).registerTokenCommands },
  admin: { summary: 'named admins of a shared proxy: create, list, update, remove, rotate', load: async () => (await import('./admin.ts')).registerAdminCommands },
  audit: { summary: 'read the audit trail', load: async () => (await import('./audit.ts')).registerAuditCommands },
  requests: { summary: 'the request log: who called which model, with usage, cost and latency', load: async () => (await import('./requests.ts')).registerRequestsCommand },
  cache: { summary: 'see and purge the response cache', load: async () => (await import('./cache.ts')).registerCacheCommands },
  tls: { summary: 'HTTPS certificates', load: async () => (await import('./tls.ts')).registerTlsCommands },
} satisfies Record<string, CommandGroup>;

export type CommandName = keyof typeof commandGroups;

export const summaryOf = (name: CommandName): string => commandGroups[name].summary;

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
