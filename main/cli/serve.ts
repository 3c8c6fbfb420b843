// `llm-proxy serve`: the headless server. Every setting is a flag, generated from the settings schema,
// so a new setting shows up here (and in --help) without touching this file.

import { Option, type Command } from 'commander';
import { loadSettings, renderSettingsHelp, settingDescriptors } from '../core/config/settings.ts';
import { settingSources } from '../core/config/setting-sources.ts';
import type { CliContext } from './context.ts';
import { CliError, println } from './io.ts';
import { summaryOf } from './command-summaries.ts';

export function registerServeCommand(program: Command, ctx: CliContext): void {
  const serve = program
    .command('serve')
    .description(summaryOf('serve'))
    .option('--config <path>', 'JSON config file with settings keyed like dataDir (env LLM_PROXY_CONFIG)');

  for (const d of settingDescriptors) {
    // Listed by the settings table below instead of commander's option list (which has no env/default columns).
    serve.addOption(new Option(d.isSwitch ? d.flag : `${d.flag} <${d.valueName}>`, d.description).hideHelp());
  }

  serve.addHelpText('after', () => {
    const width = ctx.io.stdout.columns;
    return `\nSettings (flag > env var > config file > default):\n${renderSettingsHelp(width ? { width } : {})}\n`;
  });

  serve.action(async (flags: Record<string, unknown>) => {
    const settings = loadSettings({ flags, env: ctx.io.env, cwd: ctx.cwd });
    // Listen for signals before starting, so a Ctrl-C during startup still closes cleanly.
    const shutdown = ctx.deps.waitForShutdownSignal();
    const startApp = await ctx.deps.loadStartApp();
    const app = await startApp(settings, {
      log: (line) => println(ctx.io.stdout, line),
      settingSources: settingSources({ flags, env: ctx.io.env, cwd: ctx.cwd }),
    }).catch((err: unknown) => {
      if ((err as { code?: unknown } | null)?.code !== 'EADDRINUSE') throw err;
      // Most often a second start of the same server: say so, and how to run another one beside it.
      throw new CliError('port_in_use', `port ${settings.port} is in use — is LLM Proxy already running? use --port or LLM_PROXY_PORT`);
    });
    println(ctx.io.stdout, `LLM Proxy listening on ${app.url}`);
    println(ctx.io.stdout, `Admin screens: ${app.adminUrl} (sign in with the management token)`);
    await shutdown;
    await app.close();
  });
}
