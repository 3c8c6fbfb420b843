// `llm-proxy project transform <project> ...`: a project's request rewrites (default model, model
// aliases, max-tokens ceiling, headers set or removed, system prompt prefix). Options change the
// current transformations field by field; --clear (or --no-<field>) drops them first. Without options
// it shows them.

import { InvalidArgumentError, type Command } from 'commander';
import type { TransformationsView } from '../core/api/views.ts';
import { addConnectionOptions, connect, type ConnectionOptions } from './connection.ts';
import type { CliContext } from './context.ts';
import { detailTable } from './format.ts';
import { printJson, println, readSecretFromStdin } from './io.ts';
import { wholeNumber } from './option-parsers.ts';
import { resolveProject } from './project-ref.ts';

interface TransformOptions extends ConnectionOptions {
  clear?: boolean;
  defaultModel?: string | false;
  alias?: [string, string][];
  aliases?: false;
  maxTokens?: number | false;
  setHeader?: [string, string][];
  setHeaders?: false;
  removeHeader?: string[];
  removeHeaders?: false;
  systemPrefix?: string | false;
}

/** `fast=gpt-4o-mini` → ['fast', 'gpt-4o-mini'], collected. */
function aliasPair(value: string, previous: [string, string][] = []): [string, string][] {
  const at = value.indexOf('=');
  if (at <= 0 || at === value.length - 1) throw new InvalidArgumentError('must be alias=model, e.g. fast=gpt-4o-mini.');
  return [...previous, [value.slice(0, at).trim(), value.slice(at + 1).trim()]];
}

/** `x-team: research` → ['x-team', 'research'], collected. */
function headerPair(value: string, previous: [string, string][] = []): [string, string][] {
  const at = value.indexOf(':');
  if (at <= 0) throw new InvalidArgumentError("must be 'Name: value', e.g. 'x-team: research'.");
  return [...previous, [value.slice(0, at).trim(), value.slice(at + 1).trim()]];
}

function collect(value: string, previous: string[] = []): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean),
  ];
}

/** The options that change something (anything but the connection ones). */
function changesAsked(opts: TransformOptions): boolean {
  const { url: _u, managementToken: _m, dataDir: _d, json: _j, ...rest } = opts;
  return Object.values(rest).some((v) => v !== undefined && v !== true) || opts.clear === true;
}

export function registerProjectTransformCommand(project: Command, ctx: CliContext): void {
  addConnectionOptions(project.command('transform'))
    .description("show or change a project's request transformations")
    .argument('<project>', 'project id or name')
    .option('--clear', 'start from no transformations (then apply the options given)')
    .option('--default-model <model>', 'model used when a request names none')
    .option('--no-default-model', 'drop the default model')
    .option('--alias <alias=model>', 'a model alias, e.g. fast=gpt-4o-mini (repeatable; adds to the current ones)', aliasPair)
    .option('--no-aliases', 'drop every alias first')
    .option('--max-tokens <n>', 'ceiling for max_tokens: lowered to it, set when missing (1-10000000)', wholeNumber(1, 10_000_000))
    .option('--no-max-tokens', 'drop the ceiling')
    .option('--set-header <"name: value">', 'a header added to every upstream request (repeatable)', headerPair)
    .option('--no-set-headers', 'drop every header set so far first')
    .option('--remove-header <names>', 'header names removed from every upstream request (repeatable or comma-separated)', collect)
    .option('--no-remove-headers', 'drop the list of removed headers first')
    .option('--system-prefix <text>', 'text put before the system prompt ("-" reads it from stdin)')
    .option('--no-system-prefix', 'drop the system prompt prefix')
    .action(async (projectRef: string, opts: TransformOptions) => {
      const client = connect(opts, ctx);
      const { id } = await resolveProject(client, projectRef);
      const current = await client.api['projects.get']({ id });
      if (!changesAsked(opts)) return printTransformations(ctx, opts, current.transformations);

      const next: TransformationsView = opts.clear ? {} : structuredClone(current.transformations);
      if (opts.defaultModel === false) delete next.default_model;
      else if (opts.defaultModel !== undefined) next.default_model = opts.defaultModel;
      if (opts.aliases === false) delete next.model_aliases;
      if (opts.alias) next.model_aliases = { ...next.model_aliases, ...Object.fromEntries(opts.alias) };
      if (opts.maxTokens === false) delete next.max_tokens_ceiling;
      else if (opts.maxTokens !== undefined) next.max_tokens_ceiling = opts.maxTokens;
      if (opts.setHeaders === false) delete next.set_headers;
      if (opts.setHeader) next.set_headers = { ...next.set_headers, ...Object.fromEntries(opts.setHeader.map(([n, v]) => [n.toLowerCase(), v])) };
      if (opts.removeHeaders === false) delete next.remove_headers;
      if (opts.removeHeader) next.remove_headers = [...new Set([...(next.remove_headers ?? []), ...opts.removeHeader.map((n) => n.toLowerCase())])];
      if (opts.systemPrefix === false) delete next.system_prompt_prefix;
      else if (opts.systemPrefix !== undefined)
        next.system_prompt_prefix = opts.systemPrefix === '-' ? await readSecretFromStdin(ctx.io, '--system-prefix') : opts.systemPrefix;

      const updated = await client.api['projects.update']({ id, ...{ transformations: next } });
      printTransformations(ctx, opts, updated.transformations, `Transformations of "${updated.name}" saved.`);
    });
}

function printTransformations(ctx: CliContext, opts: ConnectionOptions, t: TransformationsView, headline?: string): void {
  if (opts.json) return printJson(ctx.io, t);
  if (headline) println(ctx.io.stdout, headline);
  if (Object.keys(t).length === 0) return println(ctx.io.stdout, 'No transformations: requests pass as the client sent them.');
  const list = (record: Record<string, string> | undefined, sep: string) =>
    record
      ? Object.entries(record)
          .map(([k, v]) => `${k}${sep}${v}`)
          .join('\n')
      : '-';
  println(
    ctx.io.stdout,
    detailTable([
      ['Default model', t.default_model ?? '-'],
      ['Model aliases', list(t.model_aliases, ' → ')],
      ['Max tokens ceiling', t.max_tokens_ceiling === undefined ? '-' : String(t.max_tokens_ceiling)],
      ['Set headers', list(t.set_headers, ': ')],
      ['Remove headers', t.remove_headers?.join(', ') ?? '-'],
      ['System prompt prefix', t.system_prompt_prefix === undefined ? '-' : shorten(t.system_prompt_prefix, 200)],
    ]),
  );
}

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** One line for `project get`: `default model, 2 aliases, max tokens 2000, 1 header set` or `none`. */
export function transformationsSummary(t: TransformationsView | undefined): string {
  if (!t) return 'none';
  const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  const parts = [
    t.default_model !== undefined ? `default model ${t.default_model}` : '',
    t.model_aliases ? count(Object.keys(t.model_aliases).length, 'alias', 'aliases') : '',
    t.max_tokens_ceiling !== undefined ? `max tokens ${t.max_tokens_ceiling}` : '',
    t.set_headers ? count(Object.keys(t.set_headers).length, 'header set', 'headers set') : '',
    t.remove_headers ? count(t.remove_headers.length, 'header removed', 'headers removed') : '',
    t.system_prompt_prefix !== undefined ? 'system prompt prefix' : '',
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : 'none';
}
