// `llm-proxy admin ...`: the named admins of a shared proxy — create (the token is shown once), list,
// change role / projects / name, remove (their token is refused from the next call on), and rotate the
// token this command runs with.
import type { Command } from 'commander';
import type { AdminView } from '../core/api/admin-schemas.ts';
import { adminRoles, type AdminRoleName } from '../core/api/admin-schemas.ts';
import type { ApiClient } from './client.ts';
import { summaryOf } from './command-summaries.ts';
import { addConnectionOptions, connect, type ConnectionOptions } from './connection.ts';
import type { CliContext } from './context.ts';
import { formatTime, listTable } from './format.ts';
import { CliError, printJson, println, UsageError } from './io.ts';
import { commaList } from './option-parsers.ts';
import { PROJECT_REF_HELP, resolveProject } from './project-ref.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ROLE_HELP = `${adminRoles.join(', ')} (owner: everything; operator: the tokens, cache, usage and audit of its projects; viewer: reads everything, changes nothing)`;
const PROJECTS_HELP = `an operator's projects, comma-separated (${PROJECT_REF_HELP}); repeatable`;

interface CreateOptions extends ConnectionOptions {
  name: string;
  role: string;
  projects?: string[];
}

interface UpdateOptions extends ConnectionOptions {
  name?: string;
  role?: string;
  projects?: string[];
}

/** `--projects a,b --projects c` → [a, b, c]. */
const collectProjects = (value: string, previous: string[] = []) => [...previous, ...commaList(value)];

function role(value: string): AdminRoleName {
  if (!(adminRoles as readonly string[]).includes(value)) throw new UsageError(`--role must be one of ${adminRoles.join(', ')}`);
  return value as AdminRoleName;
}

async function projectIds(client: ApiClient, refs: string[] | undefined): Promise<string[] | undefined> {
  if (refs === undefined) return undefined;
  const ids: string[] = [];
  for (const ref of refs) ids.push((await resolveProject(client, ref)).id);
  return ids;
}

/** The admin named by `ref`: its id, or its exact name. */
async function resolveAdmin(client: ApiClient, ref: string): Promise<AdminView> {
  const admins = await client.api['admins.list']({});
  const found = admins.find((a) => (UUID.test(ref) ? a.id === ref.toLowerCase() : a.name === ref));
  if (found) return found;
  const names = admins.map((a) => `"${a.name}"`).join(', ');
  throw new CliError(
    'admin_not_found',
    `No admin ${UUID.test(ref) ? 'with id' : 'named'} ${ref}${names ? `. Admins: ${names}` : ': there are none yet'}`,
    'list them with llm-proxy admin list',
  );
}

function printAdminToken(ctx: CliContext, admin: AdminView & { token: string }, what: string): void {
  const out = ctx.io.stdout;
  println(out, `${what} It is shown only this once: store it now (or hand it to ${admin.name}).`);
  println(out);
  println(out, `  ${admin.token}`);
  println(out);
  println(out, `${admin.name} signs in to the admin screens with it, or runs the CLI with LLM_PROXY_MANAGEMENT_TOKEN=<token>.`);
}

export function registerAdminCommands(program: Command, ctx: CliContext): void {
  const admin = program.command('admin').description(summaryOf('admin'));

  addConnectionOptions(admin.command('create'))
    .description('add a named admin with a role (their token is shown once)')
    .requiredOption('--name <name>', 'who it is; the audit trail names them admin:<name>')
    .requiredOption('--role <role>', ROLE_HELP)
    .option('--projects <projects>', PROJECTS_HELP, collectProjects)
    .action(async (opts: CreateOptions) => {
      const client = connect(opts, ctx);
      const ids = await projectIds(client, opts.projects);
      const created = await client.api['admins.create']({ name: opts.name, role: role(opts.role), ...(ids && { project_ids: ids }) });
      if (opts.json) return printJson(ctx.io, created);
      printAdminToken(ctx, created, `Admin ${created.name} (${created.role}) created.`);
    });

  addConnectionOptions(admin.command('list'))
    .description('list the named admins (never their tokens)')
    .action(async (opts: ConnectionOptions) => {
      const admins = await connect(opts, ctx).api['admins.list']({});
      if (opts.json) return printJson(ctx.io, admins);
      if (admins.length === 0) return println(ctx.io.stdout, 'No named admins (the management token acts as the owner).');
      const rows = admins.map((a) => [a.id, a.name, a.role, a.project_ids.join(', ') || '-', a.token, formatTime(a.created_at, ctx.now())]);
      println(ctx.io.stdout, listTable(['ID', 'Name', 'Role', 'Projects', 'Token', 'Created'], rows));
    });

  addConnectionOptions(admin.command('update'))
    .description("change an admin's role, projects or name (applies from their next call)")
    .argument('<admin>', 'admin id or name')
    .option('--name <name>', 'new name')
    .option('--role <role>', ROLE_HELP)
    .option('--projects <projects>', `${PROJECTS_HELP}; replaces the current ones`, collectProjects)
    .action(async (ref: string, opts: UpdateOptions) => {
      if (opts.name === undefined && opts.role === undefined && opts.projects === undefined)
        throw new UsageError('nothing to update: give --name, --role or --projects');
      const client = connect(opts, ctx);
      const target = await resolveAdmin(client, ref);
      const ids = await projectIds(client, opts.projects);
      const updated = await client.api['admins.update']({
        id: target.id,
        ...{
          ...(opts.name !== undefined && { name: opts.name }),
          ...(opts.role !== undefined && { role: role(opts.role) }),
          ...(ids && { project_ids: ids }),
        },
      });
      if (opts.json) return printJson(ctx.io, updated);
      println(ctx.io.stdout, `Admin ${updated.name} is now ${updated.role}${updated.project_ids.length ? ` of ${updated.project_ids.join(', ')}` : ''}.`);
    });

  addConnectionOptions(admin.command('remove'))
    .description('remove an admin: their token is refused from their next call, on every instance')
    .argument('<admin>', 'admin id or name')
    .action(async (ref: string, opts: ConnectionOptions) => {
      const client = connect(opts, ctx);
      const target = await resolveAdmin(client, ref);
      await client.api['admins.remove']({ id: target.id });
      if (opts.json) return printJson(ctx.io, { id: target.id, name: target.name, removed: true });
      println(ctx.io.stdout, `Admin ${target.name} removed; their token no longer works.`);
    });

  addConnectionOptions(admin.command('rotate'))
    .description('replace the admin token this command runs with (the old one stops working at once)')
    .action(async (opts: ConnectionOptions) => {
      const rotated = await connect(opts, ctx).api['admins.rotateToken']({});
      if (opts.json) return printJson(ctx.io, rotated);
      printAdminToken(ctx, rotated, 'New token created; the old one no longer works.');
    });
}
