// The `llm-proxy` command: runs the CLI on this process's argv and streams, then exits with its code.
import { runCli } from './run.ts';

const code = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env });
// Exit once buffered output is written (pipes can be asynchronous), even if a keep-alive socket lingers.
process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
