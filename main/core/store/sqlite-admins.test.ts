import { expect, it } from 'vitest';
import { newId } from '../ids.ts';
import { describeEachStore } from './store-matrix.ts';
import { sampleAudit, T0 } from './test-support.ts';
import type { NewAdmin } from './types.ts';

const sampleAdmin = (overrides: Partial<NewAdmin> = {}): NewAdmin => ({
  id: newId(),
  name: `admin-${newId()}`,
  role: 'operator',
  projectIds: ['p1', 'p2'],
  tokenHash: `hash-${newId()}`,
  tokenLast4: 'wxyz',
  createdAt: T0,
  ...overrides,
});

describeEachStore('admin repository', (tempStore) => {
  it('creates, finds by id and by token hash, lists by name, updates and removes', async () => {
    const store = await tempStore();
    const bob = await store.admins.create(sampleAdmin({ name: 'bob' }));
    const alice = await store.admins.create(sampleAdmin({ name: 'alice', role: 'owner', projectIds: [] }));
    expect(bob).toMatchObject({ name: 'bob', role: 'operator', projectIds: ['p1', 'p2'], updatedAt: T0 });
    expect(await store.admins.get(bob.id)).toEqual(bob);
    expect(await store.admins.getByTokenHash(alice.tokenHash)).toEqual(alice);
    expect(await store.admins.getByTokenHash('unknown')).toBeNull();
    expect((await store.admins.list()).map((a) => a.name)).toEqual(['alice', 'bob']);

    const updated = await store.admins.update(bob.id, { role: 'viewer', projectIds: [], tokenHash: 'rotated', name: undefined }, T0 + 5);
    expect(updated).toEqual({ ...bob, role: 'viewer', projectIds: [], tokenHash: 'rotated', updatedAt: T0 + 5 });
    expect(await store.admins.getByTokenHash(bob.tokenHash)).toBeNull();
    expect(await store.admins.update('missing', { name: 'x' }, T0)).toBeNull();

    expect(await store.admins.remove(bob.id)).toBe(true);
    expect(await store.admins.remove(bob.id)).toBe(false);
    expect(await store.admins.getByTokenHash('rotated')).toBeNull();
  });

  it('refuses a taken name with duplicate_name, on create and on rename', async () => {
    const store = await tempStore();
    await store.admins.create(sampleAdmin({ name: 'carol' }));
    const dave = await store.admins.create(sampleAdmin({ name: 'dave' }));
    await expect(store.admins.create(sampleAdmin({ name: 'carol' }))).rejects.toMatchObject({
      code: 'duplicate_name',
      message: 'An admin named "carol" already exists',
    });
    await expect(store.admins.update(dave.id, { name: 'carol' }, T0)).rejects.toMatchObject({ code: 'duplicate_name' });
    expect(await store.admins.get(dave.id)).toEqual(dave);
  });

  it('refuses a role the schema does not know', async () => {
    const store = await tempStore();
    await expect(store.admins.create(sampleAdmin({ role: 'root' as never }))).rejects.toThrow();
  });

  it('filters the audit trail by actor and by a set of projects (an empty set matches nothing)', async () => {
    const store = await tempStore();
    const a = sampleAudit({ time: T0 + 1, actor: 'admin:alice', projectId: 'p1' });
    const b = sampleAudit({ time: T0 + 2, actor: 'admin:bob', projectId: 'p2' });
    const c = sampleAudit({ time: T0 + 3, actor: 'admin:alice', projectId: null });
    await store.audit.append([a, b, c]);
    const ids = async (q: object) => (await store.audit.query({ page: 1, pageSize: 50, ...q })).items.map((e) => e.id);
    expect(await ids({ actor: 'admin:alice' })).toEqual([c.id, a.id]);
    expect(await ids({ actor: 'admin:ali' })).toEqual([]);
    expect(await ids({ projectIds: ['p1', 'p2'] })).toEqual([b.id, a.id]);
    expect(await ids({ projectIds: ['p2'], actor: 'admin:bob', search: 'bob' })).toEqual([b.id]);
    expect(await ids({ projectIds: [] })).toEqual([]);
    expect((await store.audit.query({ page: 1, pageSize: 1, projectIds: ['p1', 'p2'] })).totalCount).toBe(2);
  });
});
