import { expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { sampleProject, withOneKey, T0 } from './test-support.ts';
import { describeEachStore } from './store-matrix.ts';

describeEachStore('project repository', (tempStore) => {
  it('creates, reads, lists and updates a project', async () => {
    const store = await tempStore();
    const created = await store.projects.create(...withOneKey(sampleProject({ name: 'beta', provider: 'anthropic' })));
    await store.projects.create(...withOneKey(sampleProject({ name: 'alpha' })));

    expect(created).toMatchObject({ name: 'beta', provider: 'anthropic', isActive: true, updatedAt: T0, deactivatedAt: null });
    expect(await store.projects.get(created.id)).toEqual(created);
    expect((await store.projects.list()).map((p) => p.name)).toEqual(['alpha', 'beta']);

    const updated = await store.projects.update(created.id, { isActive: false, deactivatedAt: T0 + 5, name: undefined }, T0 + 5);
    expect(updated).toEqual({ ...created, isActive: false, deactivatedAt: T0 + 5, updatedAt: T0 + 5 });
    expect(await store.projects.get(created.id)).toEqual(updated);
  });

  it('answers null for an unknown id', async () => {
    const store = await tempStore();
    expect(await store.projects.get('nope')).toBeNull();
    expect(await store.projects.update('nope', { name: 'x' }, T0)).toBeNull();
  });

  it('refuses a taken name with duplicate_name, on create and on rename', async () => {
    const store = await tempStore();
    await store.projects.create(...withOneKey(sampleProject({ name: 'team' })));
    const other = await store.projects.create(...withOneKey(sampleProject({ name: 'other' })));

    const onCreate = store.projects.create(...withOneKey(sampleProject({ name: 'team' })));
    await expect(onCreate).rejects.toBeInstanceOf(AppError);
    await expect(onCreate).rejects.toMatchObject({ code: 'duplicate_name', message: 'A project named "team" already exists' });
    await expect(store.projects.update(other.id, { name: 'team' }, T0)).rejects.toMatchObject({ code: 'duplicate_name' });
    expect(await store.projects.get(other.id)).toEqual(other);
  });

  it('stores project limits (absent = null) and changes them', async () => {
    const store = await tempStore();
    const created = await store.projects.create(...withOneKey(sampleProject()));
    expect(created).toMatchObject({ defaultRpmLimit: null, defaultTpmLimit: null, sharedRpmLimit: null, sharedTpmLimit: null, sharedLimitKey: null });
    const updated = await store.projects.update(created.id, { defaultRpmLimit: 60, sharedTpmLimit: 90_000, sharedLimitKey: 'team-openai' }, T0 + 1);
    expect(updated).toMatchObject({ defaultRpmLimit: 60, defaultTpmLimit: null, sharedRpmLimit: null, sharedTpmLimit: 90_000, sharedLimitKey: 'team-openai' });
    expect(await store.projects.get(created.id)).toEqual(updated);
  });
});
