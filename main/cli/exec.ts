// `llm-proxy exec -- <command> [args…]`: mints a token of a project, runs the command with the
// OpenAI and Anthropic SDKs' environment variables pointing at this proxy with that token, and revokes
// the token when the command ends (normally, by a signal, or because it could not start). The token
// never touches a dotfile or shell history; its lifetime (12 h by default) bounds the damage if `exec`
// itself is killed with -9 and cannot revoke it.
import path from 'node:path';
import type { Command } from 'commander';
import type { ApiClient } from './client.ts';
import { summaryOf } from './command-summaries.ts';
import { addConnectionOptions, connect, type ConnectionOptions } from './connection.ts';
import type { CliContext } from './context.ts';
import { runChild, type ChildOutcome } from './exec-child.ts';
import { ChildExitCode, CliError, println, UsageError } from './io.ts';
import { commaList, wholeNumber } from './option-parsers.ts';
import { PROJECT_REF_HELP, resolveProject } from './project-ref.ts';

export const EXEC_DEFAULT_DURATION_MINUTES = 12 * 60;
/** Token names are at most 100 characters. */
const MAX_NAME = 100;

interface ExecOptions extends ConnectionOptions {
  project?: string;
  duration: number;
  maxRequests?: number;
  models?: string[];
  name?: string;
}

/** The project to mint for: the one named, or the only one there is. */
async function projectFor(client: ApiClient, ref: string | undefined): Promise<string> {
  if (ref !== undefined) return (await resolveProject(client, ref)).id;
  const projects = (await client.api['projects.list']({})).filter((p) => p.is_active);
  if (projects.length === 1) return projects[0]!.id;
  if (projects.length === 0)
    throw new CliError('project_not_found', 'There is no active project to mint a token for', 'create one with llm-proxy project create');
  const names = projects.map((p) => `"${p.name}"`).join(', ');
  throw new UsageError(`there are ${projects.length} projects (${names}): say which with --project <id|name>`);
}

/** `exec: aider` — the command only: its arguments may hold secrets or personal paths. */
export function tokenNameFor(command: string): string {
  return `exec: ${path.basename(command)}`.slice(0, MAX_NAME);
}

/** The child's environment: the caller's, with both SDK families pointed at the proxy. */
export function childEnv(base: NodeJS.ProcessEnv, proxyUrl: string, token: string): NodeJS.ProcessEnv {
  return { ...base, OPENAI_BASE_URL: `${proxyUrl}/v1`, OPENAI_API_KEY: token, ANTHROPIC_BASE_URL: proxyUrl, ANTHROPIC_API_KEY: token };
}

export function registerExecCommand(program: Command, ctx: CliContext): void {
  addConnectionOptions(program.command('exec'))
    .description(summaryOf('exec'))
    .usage('[options] -- <command> [args...]')
    .argument('<command>', 'the command to run')
    .argument('[args...]', 'its arguments')
    .option('--project <project>', `${PROJECT_REF_HELP} (default: the only active project)`)
    .option(
      '--duration <minutes>',
      'the token’s lifetime: the most it outlives `exec` if that is killed with -9',
      wholeNumber(1, 525_600),
      EXEC_DEFAULT_DURATION_MINUTES,
    )
    .option('--max-requests <n>', 'stop after this many requests (0 = unlimited)', wholeNumber(0))
    .option('--models <list>', 'comma-separated models or patterns the command may use, e.g. gpt-4o-mini,o3*', commaList)
    .option('--name <label>', 'the token’s name on the Tokens screen (default: "exec: <command>")')
    .passThroughOptions()
    .addHelpText(
      'after',
      "\nThe command gets OPENAI_BASE_URL, OPENAI_API_KEY, ANTHROPIC_BASE_URL and ANTHROPIC_API_KEY; its exit code is exec's.\nExample: llm-proxy exec --project my-scripts -- python my_script.py",
    )
    .action(async (command: string, args: string[], opts: ExecOptions) => {
      const client = connect(opts, ctx);
      const projectId = await projectFor(client, opts.project);
      const created = await client.api['tokens.create']({
        project_id: projectId,
        duration_minutes: opts.duration,
        name: opts.name ?? tokenNameFor(command),
        ...(opts.maxRequests !== undefined && { max_requests: opts.maxRequests }),
        ...(opts.models !== undefined && { allowed_models: opts.models }),
      });
      let outcome: ChildOutcome;
      try {
        outcome = await runChild(command, args, childEnv(ctx.io.env, client.baseUrl, created.token), ctx.cwd);
      } finally {
        await client.api['tokens.revoke']({ id: created.id }).catch((err: unknown) => {
          const why = err instanceof Error ? err.message : String(err);
          println(ctx.io.stderr, `warning: could not revoke token ${created.id} (${why}); it expires ${created.expires_at}`);
        });
      }
      if (outcome.kind === 'not-started') throw new CliError('command_not_started', `cannot run "${command}" (${outcome.reason})`, undefined, outcome.code);
      if (outcome.code !== 0) throw new ChildExitCode(outcome.code);
    });
}
