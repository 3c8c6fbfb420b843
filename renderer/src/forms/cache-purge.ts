// The purge form (everything, one project, a URL prefix, one method + URL) → the `cache.purge` input,
// checked with the contract's schema.
import type { InputOf } from '../../../main/core/api/contract.ts';
import { checkInput, type Checked } from './validate.ts';

export type PurgeScope = 'all' | 'project' | 'prefix' | 'url';

export interface PurgeValues {
  scope: PurgeScope;
  /** The project to purge (scope project), or to narrow a prefix or URL to ('' = every project). */
  projectId: string;
  prefix: string;
  method: 'GET' | 'POST';
  url: string;
}

/** The dialog starts on the narrowest choice; "everything" has to be picked on purpose. */
export const emptyPurge: PurgeValues = { scope: 'url', projectId: '', prefix: '', method: 'POST', url: '' };

const FIELDS: Record<string, string> = { project_id: 'projectId', prefix: 'prefix', method: 'method', url: 'url', all: '_form' };
const fieldOf = (path: string) => FIELDS[path.split('.')[0] ?? ''] ?? '_form';

export function purgeInput(values: PurgeValues): InputOf<'cache.purge'> {
  const project = values.projectId ? { project_id: values.projectId } : {};
  switch (values.scope) {
    case 'all':
      return { all: true };
    case 'project':
      return { project_id: values.projectId };
    case 'prefix':
      return { ...project, prefix: values.prefix.trim() };
    case 'url':
      return { ...project, method: values.method, url: values.url.trim() };
  }
}

export function checkPurge(values: PurgeValues): Checked<InputOf<'cache.purge'>> {
  if (values.scope === 'project' && !values.projectId) return { ok: false, errors: { projectId: 'Choose a project.' } };
  return checkInput('cache.purge', purgeInput(values), fieldOf);
}

export function purgeFieldOf(path: string): string {
  return fieldOf(path);
}

/** "everything", "POST /v1/embeddings in research": for the success notice. */
export function describePurge(input: InputOf<'cache.purge'>, projectName: (id: string) => string | null): string {
  if (input.all) return 'everything';
  const where = input.project_id ? `“${projectName(input.project_id) ?? input.project_id}”` : null;
  const what = input.url !== undefined ? `${input.method} ${input.url}` : input.prefix !== undefined ? `URLs starting with ${input.prefix}` : null;
  if (what && where) return `${what} in ${where}`;
  return what ?? `everything of ${where}`;
}
