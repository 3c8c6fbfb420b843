// `llm-proxy project key ...`: a project's upstream keys. The proxy spreads requests over the enabled
// ones by weight and skips one that is cooling down after failures. Keys are named by id or label,
// projects by id or name; keys are read from argv or, with "-", from stdin, and always shown masked.

import type { Command } from 'commander';
import type { UpstreamKeyView } from '../core/api/views.ts';
import type { ApiClient } from './client.ts';
import { addConnectionOptions, connect, type ConnectionOptions } from './connection.ts';
import type { CliContext } from './context.ts';
import { detailTable, formatTime, listTable } from './format.ts';
import { CliError, printJson, println, readSecretFromStdin } from './io.ts';
import { wholeNumber } from './option-parsers.ts';
import { PROJECT_REF_HELP, resolveProject } from './project-ref.ts';

const KEY_HELP = 'the upstream API key; "-" reads it from stdin so it stays out of shell history';
const KEY_ARG = 'key id or label';

async function resolveKey(client: ApiClient, projectRef: string, keyRef: string): Promise<{ projectId: string; key: UpstreamKeyView }> {
  const { id: projectId } = await resolveProject(client, projectRef);
  const keys = await client.api['keys.list']({ project_id: projectId });
  const key = keys.find((k) => k.id === keyRef) ?? keys.find((k) => k.label === keyRef);
  if (!key) {
    const labels = keys.map((k) => `"${k.label}"`).join(', ');
    throw new CliError('upstream_key_not_found', `Project ${projectRef} has no upstream key "${keyRef}" (its keys: ${labels})`);
  }
  return { projectId, key };
}

const readKey = (ctx: CliContext, value: string) => (value === '-' ? readSecretFromStdin(ctx.io, '--api-key') : Promise.resolve(value));

export function registerProjectKeyCommands(project: Command, ctx: CliContext): void {
  const key = project.command('key').description("manage a project's upstream API keys (weights, failover, rotation)");

  addConnectionOptions(key.command('list'))
    .description("list a project's upstream keys with their health and usage")
    .argument('<project>', PROJECT_REF_HELP)
    .action(async (projectRef: string, opts: ConnectionOptions) => {
      const client = connect(opts, ctx);
      const { id } = await resolveProject(client, projectRef);
      const keys = await client.api['keys.list']({ project_id: id });
      if (opts.json) return printJson(ctx.io, keys);
      const now = ctx.now();
      const rows = keys.map((k) => [
        k.id,
        k.label,
        k.key,
        String(k.weight),
        stateOf(k, now),
        String(k.request_count),
        String(k.failure_count),
        `${k.prompt_tokens} / ${k.completion_tokens}`,
        k.last_error ? `${k.last_error} ${formatTime(k.last_error_at, now)}` : '-',
      ]);
      println(ctx.io.stdout, listTable(['ID', 'Label', 'Key', 'Weight', 'State', 'Requests', 'Failures', 'Tokens in / out', 'Last error'], rows));
    });

  addConnectionOptions(key.command('add'))
    .description('add an upstream key to a project (enabled at once)')
    .argument('<project>', PROJECT_REF_HELP)
    .requiredOption('--label <label>', 'a name for the key, unique within the project (e.g. team-b)')
    .requiredOption('--api-key <key>', KEY_HELP)
    .option('--weight <n>', 'share of requests relative to the other enabled keys, 1-1000 (default 1)', wholeNumber(1, 1000))
    .action(async (projectRef: string, opts: ConnectionOptions & { label: string; apiKey: string; weight?: number }) => {
      const client = connect(opts, ctx);
      const { id } = await resolveProject(client, projectRef);
      const apiKey = await readKey(ctx, opts.apiKey);
      const added = await client.api['keys.add']({
        project_id: id,
        ...{ label: opts.label, api_key: apiKey, ...(opts.weight !== undefined && { weight: opts.weight }) },
      });
      printKey(ctx, opts, added, `Key "${added.label}" added.`);
    });

  const simple = (name: 'enable' | 'disable', description: string, isEnabled: boolean) =>
    addConnectionOptions(key.command(name))
      .description(description)
      .argument('<project>', PROJECT_REF_HELP)
      .argument('<key>', KEY_ARG)
      .action(async (projectRef: string, keyRef: string, opts: ConnectionOptions) => {
        const client = connect(opts, ctx);
        const { projectId, key: found } = await resolveKey(client, projectRef, keyRef);
        const updated = await client.api['keys.update']({ project_id: projectId, id: found.id, ...{ is_enabled: isEnabled } });
        printKey(ctx, opts, updated, `Key "${updated.label}" ${isEnabled ? 'enabled' : 'disabled'}.`);
      });
  simple('enable', 'put a key back into rotation', true);
  simple('disable', 'take a key out of rotation (the project keeps at least one enabled key)', false);

  addConnectionOptions(key.command('rotate'))
    .description('replace the secret of a key, keeping its label, weight and counters')
    .argument('<project>', PROJECT_REF_HELP)
    .argument('<key>', KEY_ARG)
    .requiredOption('--api-key <key>', `the new ${KEY_HELP}`)
    .action(async (projectRef: string, keyRef: string, opts: ConnectionOptions & { apiKey: string }) => {
      const client = connect(opts, ctx);
      const { projectId, key: found } = await resolveKey(client, projectRef, keyRef);
      const apiKey = await readKey(ctx, opts.apiKey);
      const updated = await client.api['keys.update']({ project_id: projectId, id: found.id, ...{ api_key: apiKey } });
      printKey(ctx, opts, updated, `Key "${updated.label}" rotated (now ${updated.key}).`);
    });

  addConnectionOptions(key.command('weight'))
    .description("set a key's share of requests")
    .argument('<project>', PROJECT_REF_HELP)
    .argument('<key>', KEY_ARG)
    .argument('<n>', 'weight, 1-1000', wholeNumber(1, 1000))
    .action(async (projectRef: string, keyRef: string, weight: number, opts: ConnectionOptions) => {
      const client = connect(opts, ctx);
      const { projectId, key: found } = await resolveKey(client, projectRef, keyRef);
      const updated = await client.api['keys.update']({ project_id: projectId, id: found.id, ...{ weight } });
      printKey(ctx, opts, updated, `Key "${updated.label}" now has weight ${updated.weight}.`);
    });

  addConnectionOptions(key.command('rename'))
    .description("change a key's label")
    .argument('<project>', PROJECT_REF_HELP)
    .argument('<key>', KEY_ARG)
    .argument('<label>', 'the new label')
    .action(async (projectRef: string, keyRef: string, label: string, opts: ConnectionOptions) => {
      const client = connect(opts, ctx);
      const { projectId, key: found } = await resolveKey(client, projectRef, keyRef);
      const updated = await client.api['keys.update']({ project_id: projectId, id: found.id, ...{ label } });
      printKey(ctx, opts, updated, `Key "${found.label}" renamed to "${updated.label}".`);
    });

  addConnectionOptions(key.command('remove'))
    .description('delete a key for good (the project keeps at least one enabled key)')
    .argument('<project>', PROJECT_REF_HELP)
    .argument('<key>', KEY_ARG)
    .action(async (projectRef: string, keyRef: string, opts: ConnectionOptions) => {
      const client = connect(opts, ctx);
      const { projectId, key: found } = await resolveKey(client, projectRef, keyRef);
      await client.api['keys.remove']({ project_id: projectId, id: found.id });
      // DELETE answers 204 without a body.
      if (opts.json) return printJson(ctx.io, { id: found.id, label: found.label, removed: true });
      println(ctx.io.stdout, `Key "${found.label}" (${found.key}) removed.`);
    });
}

/** `enabled, healthy` / `enabled, cooling down, back in 2 minutes (<ISO time>)` / `disabled`. */
function stateOf(k: UpstreamKeyView, now: number): string {
  if (k.health === 'disabled') return 'disabled';
  if (k.health === 'cooling_down') return `enabled, cooling down, back ${formatTime(k.cooling_down_until, now)}`;
  return 'enabled, healthy';
}

function printKey(ctx: CliContext, opts: ConnectionOptions, k: UpstreamKeyView, headline: string): void {
  if (opts.json) return printJson(ctx.io, k);
  const now = ctx.now();
  println(ctx.io.stdout, headline);
  println(
    ctx.io.stdout,
    detailTable([
      ['ID', k.id],
      ['Label', k.label],
      ['Key', k.key],
      ['Weight', String(k.weight)],
      ['State', stateOf(k, now)],
      ['Requests', `${k.request_count} (${k.failure_count} failed)`],
      ['Tokens', `${k.prompt_tokens} in, ${k.completion_tokens} out`],
      ['Last error', k.last_error ? `${k.last_error} ${formatTime(k.last_error_at, now)}` : '-'],
      ['Last used', formatTime(k.last_used_at, now)],
      ['Created', formatTime(k.created_at, now)],
    ]),
  );
}
