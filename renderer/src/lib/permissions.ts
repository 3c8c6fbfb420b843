// What the signed-in role may do, so the screens hide what it cannot (the server refuses it anyway:
// main/core/api/authorize.ts decides; this mirrors it for the screens and must say the same).
import type { CallerView } from '../../../main/core/api/admin-schemas.ts';
import { useMe } from '../stores/me.ts';
import { SCREENS, type Screen } from './router.ts';

export type Permission =
  /** Create projects, rename, deactivate, limits, transformations. */
  | 'projects.manage'
  /** See and change a project's upstream keys (masked). */
  | 'keys.read'
  | 'keys.manage'
  /** Mint, edit and revoke tokens (an operator: of its projects). */
  | 'tokens.manage'
  /** Purge cached answers (an operator: of its projects only, never all). */
  | 'cache.purge'
  | 'cache.purgeAll'
  | 'admins.manage';

const OPERATOR: ReadonlySet<Permission> = new Set(['tokens.manage', 'cache.purge']);
const VIEWER: ReadonlySet<Permission> = new Set(['keys.read']);

export function allows(me: CallerView | null, permission: Permission): boolean {
  if (!me) return false;
  if (me.role === 'owner') return true;
  return (me.role === 'operator' ? OPERATOR : VIEWER).has(permission);
}

/** Operators see only their projects' screens; the Admins screen is for owners. */
export function screensFor(me: CallerView | null): Screen[] {
  if (!me) return [];
  if (me.role === 'operator') return SCREENS.filter((s) => s === 'projects' || s === 'tokens' || s === 'requests' || s === 'cache' || s === 'audit');
  if (me.role === 'viewer') return SCREENS.filter((s) => s !== 'admins');
  return [...SCREENS];
}

export const useCan = (permission: Permission): boolean => useMe((s) => allows(s.me, permission));

export const ROLE_LABELS: Record<CallerView['role'], string> = { owner: 'Owner', operator: 'Operator', viewer: 'Viewer' };
