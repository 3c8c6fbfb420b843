// The refusals both databases give, worded once: each dialect only recognises its own constraint errors.
import { AppError } from '../errors.ts';
import type { NewUpstreamKey } from './types.ts';

export const duplicateProjectName = (name: string) => new AppError('duplicate_name', `A project named "${name}" already exists`);

export const duplicateAdminName = (name: string) => new AppError('duplicate_name', `An admin named "${name}" already exists`);

export const duplicateKeyLabel = (label: string) => new AppError('duplicate_name', `This project already has an upstream key labelled "${label}"`);

export const projectNotFound = (projectId: string) => new AppError('project_not_found', `Project ${projectId} does not exist`);

/** A project's first keys name that project; anything else is a caller's mistake, refused before writing. */
export function refuseKeysOfOtherProjects(projectId: string, keys: NewUpstreamKey[]): void {
  if (keys.some((k) => k.projectId !== projectId)) {
    throw new AppError('validation_failed', 'Every upstream key created with a project must belong to that project');
  }
}
