// Builds the `llm-proxy` program and runs it in-process, returning the exit code:
// 0 ok, 1 failure (`error: <message> (<code>)`), 2 usage error. main.ts only wires it to the process.

import { Command, CommanderError } from 'commander';
import { isAppError } from '../core/errors.ts';
import { version } from '../core/version.ts';
import { ApiError } from './client.ts';
import { registerCommands } from './commands.ts';
import { defaultDeps, type CliContext, type CliDeps } from './context.ts';
import { ChildExitCode, CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, println, UsageError, type CliIo } from './io.ts';

/** The program for these arguments: the command they run is loaded in full, the others by name only. */
export async function buildProgram(ctx: CliContext, argv: readonly string[]): Promise<Command> {
  const { io } = ctx;
  const program = new Command('llm-proxy');
  // Settings given to `program` before adding commands are inherited by every command created with .command().
  program
    .description('Keeps your real LLM API keys and hands out short-lived tokens through an OpenAI-compatible proxy.')
    .version(ctx.version, '-V, --version')
    .exitOverride()
    // `exec <command> [args...]` leaves the command's own options to it.
    .enablePositionalOptions()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      getOutHelpWidth: () => io.stdout.columns ?? 100,
      getErrHelpWidth: () => io.stderr.columns ?? 100,
    })
    .showHelpAfterError('(add --help for usage)');

  await registerCommands(program, ctx, argv);
  return program;
}

export async function runCli(argv: string[], io: CliIo, deps: Partial<CliDeps> = {}): Promise<number> {
  const ctx: CliContext = {
    io,
    deps: { ...defaultDeps, ...deps },
    now: io.now ?? Date.now,
    cwd: io.cwd ?? process.cwd(),
    version,
  };
  try {
    await (await buildProgram(ctx, argv)).parseAsync(argv, { from: 'user' });
    return EXIT_OK;
  } catch (err) {
    return reportError(err, io);
  }
}

function reportError(err: unknown, io: CliIo): number {
  if (err instanceof CommanderError) {
    // Commander has already printed the message (or the help / version asked for).
    return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  }
  if (err instanceof ChildExitCode) return err.exitCode;
  if (err instanceof UsageError) {
    println(io.stderr, `error: ${err.message}`);
    println(io.stderr, '(add --help for usage)');
    return EXIT_USAGE;
  }
  if (err instanceof CliError) {
    println(io.stderr, `error: ${err.message} (${err.code})`);
    // Field problems the message does not already spell out.
    const issues = err instanceof ApiError ? err.issues.filter((i) => !err.message.includes(i.message)) : [];
    for (const issue of issues) println(io.stderr, `  - ${issue.path}: ${issue.message}`);
    if (err.hint) println(io.stderr, `hint: ${err.hint}`);
    return err.exitCode;
  }
  if (isAppError(err)) {
    println(io.stderr, `error: ${err.message} (${err.code})`);
    return EXIT_FAILURE;
  }
  const code = (err as { code?: unknown } | null)?.code;
  if (err instanceof Error && typeof code === 'string') {
    // System errors (EADDRINUSE, EACCES...): the message says enough.
    println(io.stderr, `error: ${err.message} (${code})`);
    return EXIT_FAILURE;
  }
  // A bug: keep the stack so it can be reported.
  println(io.stderr, `error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  return EXIT_FAILURE;
}
