import { describe, expect, it } from 'vitest';
import type { CallerView } from '../../../main/core/api/admin-schemas.ts';
import { allows, screensFor } from './permissions.ts';

const as = (role: CallerView['role']): CallerView => ({
  actor: `admin:${role}`,
  name: role,
  role,
  project_ids: role === 'operator' ? ['p1'] : null,
  admin_id: 'a1',
});

describe('what each role may do on the screens', () => {
  it('lets an owner do everything and see every screen', () => {
    expect(allows(as('owner'), 'admins.manage')).toBe(true);
    expect(allows(as('owner'), 'cache.purgeAll')).toBe(true);
    expect(screensFor(as('owner'))).toContain('admins');
  });

  it('lets an operator manage tokens, purge its cache and read its requests, nothing of projects, keys, admins or settings', () => {
    const op = as('operator');
    expect(['tokens.manage', 'cache.purge'].every((p) => allows(op, p as never))).toBe(true);
    expect(['projects.manage', 'keys.read', 'keys.manage', 'cache.purgeAll', 'admins.manage'].some((p) => allows(op, p as never))).toBe(false);
    expect(screensFor(op)).toEqual(['projects', 'tokens', 'requests', 'cache', 'audit']);
  });

  it('lets a viewer read everything but the admins, and change nothing', () => {
    const viewer = as('viewer');
    expect(allows(viewer, 'keys.read')).toBe(true);
    expect(['projects.manage', 'keys.manage', 'tokens.manage', 'cache.purge', 'admins.manage'].some((p) => allows(viewer, p as never))).toBe(false);
    expect(screensFor(viewer)).not.toContain('admins');
    expect(screensFor(viewer)).toContain('settings');
  });

  it('allows nothing before anyone is signed in', () => {
    expect(allows(null, 'tokens.manage')).toBe(false);
    expect(screensFor(null)).toEqual([]);
  });
});
