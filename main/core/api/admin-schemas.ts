// The wire shapes of named admins: input schemas (browser-safe, like the contract they feed) and the
// views the API answers. An admin's token crosses once, in the answer that creates or rotates it.
import { z } from 'zod';

export const adminRoles = ['owner', 'operator', 'viewer'] as const;
export type AdminRoleName = (typeof adminRoles)[number];

const id = z.string().uuid({ message: 'must be an id (UUID)' });
const role = z.enum(adminRoles, { error: `must be one of ${adminRoles.join(', ')}` });
/** A person's name as the audit trail shows it (`admin:<name>`): letters, digits, spaces and . _ @ -. */
const adminName = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} ._@-]*$/u, 'may hold letters, digits, spaces and . _ @ - (starting with a letter or digit)');
const projectIds = z.array(id).max(100, 'must name at most 100 projects');

export const adminSchemas = {
  adminCreate: z
    .object({ name: adminName, role, project_ids: projectIds.optional() })
    .strict()
    .superRefine((v, ctx) => {
      if (v.role === 'operator' && (v.project_ids ?? []).length === 0)
        ctx.addIssue({ code: 'custom', message: 'an operator needs at least one project', path: ['project_ids'] });
      if (v.role !== 'operator' && (v.project_ids ?? []).length > 0)
        ctx.addIssue({ code: 'custom', message: 'only operators are limited to projects', path: ['project_ids'] });
    }),
  /** Whether role and projects fit together is checked against the stored admin (handlers/admins.ts). */
  adminUpdate: z.object({ id, name: adminName.optional(), role: role.optional(), project_ids: projectIds.optional() }).strict(),
};

export interface AdminView {
  id: string;
  name: string;
  role: AdminRoleName;
  /** The projects an operator manages; empty for owners and viewers. */
  project_ids: string[];
  /** Masked (`llmp_admin_…abcd`), except in the answers to admins.create and admins.rotateToken. */
  token: string;
  created_at: string;
  updated_at: string;
}

export interface CreatedAdminView extends AdminView {
  /** Shown once: the full token. */
  token: string;
}

/** Who is calling (admins.me): what the screens show in their header and which actions they offer. */
export interface CallerView {
  /** As the audit trail names the caller: `admin:<name>`, `management`, `desktop`. */
  actor: string;
  /** The admin's name, or `management` / `desktop` for the built-in owners. */
  name: string;
  role: AdminRoleName;
  /** An operator's projects; null = every project. */
  project_ids: string[] | null;
  /** null for the management token and the desktop app (no admin entry to rotate or remove). */
  admin_id: string | null;
}
