// What a command may touch (streams, env, clock) and the errors that decide the exit code, so the
// whole CLI runs in-process in tests.

export interface OutputStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
  stdin: AsyncIterable<string | Buffer> & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  /** Defaults to process.cwd(). */
  cwd?: string;
  /** Defaults to Date.now; tests fix it so relative times are stable. */
  now?: () => number;
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** A failure with a stable code, printed as `error: <message> (<code>)`; exit 1 unless `exitCode` says otherwise. */
export class CliError extends Error {
  readonly code: string;
  readonly hint: string | undefined;
  readonly exitCode: number;
  constructor(code: string, message: string, hint?: string, exitCode: number = EXIT_FAILURE) {
    super(message);
    this.name = 'CliError';
    this.code = code;
    this.hint = hint;
    this.exitCode = exitCode;
  }
}

/** Not a failure of the CLI: the exit code of the command `exec` ran, passed on without a message. */
export class ChildExitCode extends Error {
  constructor(readonly exitCode: number) {
    super(`the command exited with ${exitCode}`);
    this.name = 'ChildExitCode';
  }
}

/** The command line itself is wrong (commander-style `error: <message>`); exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function println(stream: OutputStream, text = ''): void {
  stream.write(`${text}\n`);
}

export function printJson(io: CliIo, value: unknown): void {
  println(io.stdout, JSON.stringify(value, null, 2));
}

/** Reads a secret piped on stdin (`--api-key -`), without its trailing newline. */
export async function readSecretFromStdin(io: CliIo, what: string): Promise<string> {
  if (io.stdin.isTTY) {
    throw new UsageError(`${what} "-" reads from stdin; pipe it in, for example: printf %s "$KEY" | llm-proxy ...`);
  }
  let text = '';
  for await (const chunk of io.stdin) text += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
  const value = text.replace(/\r?\n$/, '');
  if (value === '') throw new UsageError(`${what} "-" read nothing from stdin`);
  return value;
}
