// Every CLI option or argument that names a project takes its id or its name. An id is used as given
// (the server says when it does not exist); a name is looked up with one list call and must match
// exactly one project, else the error lists the candidates.
import type { ProjectView } from '../core/api/views.ts';
import type { ApiClient } from './client.ts';
import { CliError } from './io.ts';

export const PROJECT_REF_HELP = 'project id or name';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Candidates shown in an error; a long list helps nobody. */
const MAX_CANDIDATES = 10;

function listed(projects: readonly ProjectView[]): string {
  const shown = projects.slice(0, MAX_CANDIDATES).map((p) => `"${p.name}" (${p.id})`);
  const more = projects.length - shown.length;
  return shown.join(', ') + (more > 0 ? ` and ${more} more` : '');
}

/** The project named by `ref`: its id, or its unique name. */
export async function resolveProject(client: ApiClient, ref: string): Promise<{ id: string; name: string | null }> {
  if (UUID.test(ref)) return { id: ref.toLowerCase(), name: null };
  const projects = await client.api['projects.list']({});
  const exact = projects.filter((p) => p.name === ref);
  if (exact.length === 1) return { id: exact[0]!.id, name: exact[0]!.name };
  if (exact.length > 1) {
    throw new CliError('ambiguous_project', `${exact.length} projects are named "${ref}": ${listed(exact)}`, 'name the project by its id');
  }
  const folded = ref.toLowerCase();
  const similar = projects.filter((p) => p.name.toLowerCase().includes(folded) || folded.includes(p.name.toLowerCase()));
  if (projects.length === 0)
    throw new CliError('project_not_found', `No project named "${ref}": there are no projects yet`, 'create one with llm-proxy project create');
  const candidates = similar.length > 0 ? similar : projects;
  throw new CliError(
    'project_not_found',
    `No project named "${ref}". ${similar.length > 0 ? 'Did you mean' : 'Projects'}: ${listed(candidates)}`,
    'list them with llm-proxy project list',
  );
}

/** The id for an optional project option (undefined stays undefined). */
export async function projectIdOf(client: ApiClient, ref: string | undefined): Promise<string | undefined> {
  return ref === undefined ? undefined : (await resolveProject(client, ref)).id;
}
