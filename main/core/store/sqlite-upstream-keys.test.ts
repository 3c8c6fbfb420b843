import { expect, it } from 'vitest';
import { newId } from '../ids.ts';
import { describeEachStore, type OpenTestStore } from './store-matrix.ts';
import { sampleKey, sampleProject, T0, withOneKey } from './test-support.ts';

async function storeWithProject(tempStore: OpenTestStore) {
  const store = await tempStore();
  const project = sampleProject();
  const first = sampleKey(project.id);
  await store.projects.create(project, [first]);
  return { store, project, first };
}

describeEachStore('upstream key repository', (tempStore) => {
  it('creates a project with its keys and lists them oldest first, ties by id', async () => {
    const store = await tempStore();
    const project = sampleProject();
    // Ids chosen so that id order and insertion order disagree with creation order.
    const keys = [
      sampleKey(project.id, { id: 'k-3', label: 'late', createdAt: T0 + 10 }),
      sampleKey(project.id, { id: 'k-2', label: 'second', createdAt: T0 }),
      sampleKey(project.id, { id: 'k-1', label: 'first', createdAt: T0, weight: 5, isEnabled: false, keySealed: 'v1.other', keyLast4: 'wxyz' }),
    ];
    await store.projects.create(project, keys);

    const listed = await store.upstreamKeys.listForProject(project.id);
    expect(listed.map((k) => k.label)).toEqual(['first', 'second', 'late']);
    expect(listed[0]).toEqual({
      id: 'k-1',
      projectId: project.id,
      label: 'first',
      keySealed: 'v1.other',
      keyLast4: 'wxyz',
      weight: 5,
      isEnabled: false,
      createdAt: T0,
      updatedAt: T0,
      lastUsedAt: null,
      requestCount: 0,
      failureCount: 0,
      promptTokens: 0,
      completionTokens: 0,
      lastErrorAt: null,
      lastError: null,
    });
    expect(await store.upstreamKeys.get('k-1')).toEqual(listed[0]);
    expect(await store.upstreamKeys.get('missing')).toBeNull();
    expect(await store.upstreamKeys.listForProject('missing')).toEqual([]);
  });

  it("lists every project's keys in one read, each project's oldest first", async () => {
    const store = await tempStore();
    const a = sampleProject();
    const b = sampleProject();
    const lone = sampleProject();
    await store.projects.create(a, [
      sampleKey(a.id, { id: 'a-2', label: 'x', createdAt: T0 + 5 }),
      sampleKey(a.id, { id: 'a-1', label: 'y', createdAt: T0 + 5 }),
    ]);
    await store.projects.create(b, [
      sampleKey(b.id, { id: 'b-1', label: 'late', createdAt: T0 + 9 }),
      sampleKey(b.id, { id: 'b-2', label: 'early', createdAt: T0 }),
    ]);
    await store.projects.create(lone, []);

    const byProject = await store.upstreamKeys.listAllByProject();
    expect([...byProject.keys()].sort()).toEqual([a.id, b.id].sort());
    expect(byProject.get(a.id)).toEqual(await store.upstreamKeys.listForProject(a.id));
    expect(byProject.get(a.id)!.map((k) => k.id)).toEqual(['a-1', 'a-2']);
    expect(byProject.get(b.id)!.map((k) => k.label)).toEqual(['early', 'late']);
  });

  it('adds a key to an existing project, and refuses one for an unknown project', async () => {
    const { store, project, first } = await storeWithProject(tempStore);
    const added = await store.upstreamKeys.create(sampleKey(project.id, { label: 'team-b', weight: 3, createdAt: T0 + 1 }));
    expect(added).toMatchObject({ projectId: project.id, label: 'team-b', weight: 3, isEnabled: true, updatedAt: T0 + 1, requestCount: 0 });
    expect((await store.upstreamKeys.listForProject(project.id)).map((k) => k.id)).toEqual([first.id, added.id]);

    await expect(store.upstreamKeys.create(sampleKey('no-such-project'))).rejects.toMatchObject({ code: 'project_not_found' });
  });

  it('refuses a label the project already has (create and rename); other projects may use it', async () => {
    const { store, project, first } = await storeWithProject(tempStore);
    const second = await store.upstreamKeys.create(sampleKey(project.id, { label: 'spare' }));

    await expect(store.upstreamKeys.create(sampleKey(project.id, { label: 'default' }))).rejects.toMatchObject({
      code: 'duplicate_name',
      message: 'This project already has an upstream key labelled "default"',
    });
    await expect(store.upstreamKeys.update(second.id, { label: 'default' }, T0 + 1)).rejects.toMatchObject({ code: 'duplicate_name' });
    expect(await store.upstreamKeys.get(second.id)).toEqual(second);

    const other = await store.projects.create(...withOneKey(sampleProject()));
    expect((await store.upstreamKeys.listForProject(other.id)).map((k) => k.label)).toEqual(['default']);
    expect(await store.upstreamKeys.get(first.id)).toMatchObject({ label: 'default' });
  });

  it('updates label, key, weight and the enabled flag; unknown ids answer null', async () => {
    const { store, first } = await storeWithProject(tempStore);
    const created = (await store.upstreamKeys.get(first.id))!;
    const updated = await store.upstreamKeys.update(
      first.id,
      { label: 'main', weight: 1000, keySealed: 'v1.rotated', keyLast4: '9876', isEnabled: undefined },
      T0 + 7,
    );
    expect(updated).toEqual({ ...created, label: 'main', weight: 1000, keySealed: 'v1.rotated', keyLast4: '9876', updatedAt: T0 + 7 });
    expect(await store.upstreamKeys.update(first.id, { isEnabled: false }, T0 + 8)).toMatchObject({ isEnabled: false, label: 'main', updatedAt: T0 + 8 });
    expect(await store.upstreamKeys.get(first.id)).toMatchObject({ isEnabled: false, weight: 1000 });
    expect(await store.upstreamKeys.update('missing', { label: 'x' }, T0)).toBeNull();
  });

  it('refuses a weight outside 1–1000 in the database itself', async () => {
    const { store, project, first } = await storeWithProject(tempStore);
    await expect(store.upstreamKeys.create(sampleKey(project.id, { label: 'zero', weight: 0 }))).rejects.toThrow();
    await expect(store.upstreamKeys.update(first.id, { weight: 1001 }, T0)).rejects.toThrow();
    expect(await store.upstreamKeys.get(first.id)).toMatchObject({ weight: 1 });
  });

  it('removes a key', async () => {
    const { store, project, first } = await storeWithProject(tempStore);
    const spare = await store.upstreamKeys.create(sampleKey(project.id, { label: 'spare' }));
    expect(await store.upstreamKeys.remove(first.id)).toBe(true);
    expect(await store.upstreamKeys.remove(first.id)).toBe(false);
    expect(await store.upstreamKeys.get(first.id)).toBeNull();
    expect(await store.upstreamKeys.listForProject(project.id)).toEqual([spare]);
  });

  it('adds usage in one call: counters add up, last use is the latest, the newest error wins, unknown keys are ignored', async () => {
    const { store, project, first } = await storeWithProject(tempStore);
    const spare = await store.upstreamKeys.create(sampleKey(project.id, { label: 'spare' }));
    const none = { requests: 0, failures: 0, promptTokens: 0, completionTokens: 0, lastUsedAt: null, lastError: null };

    await store.upstreamKeys.addUsage([
      {
        keyId: first.id,
        requests: 3,
        failures: 1,
        promptTokens: 10,
        completionTokens: 20,
        lastUsedAt: T0 + 50,
        lastError: { code: 'status_429', at: T0 + 40 },
      },
      { keyId: 'removed-meanwhile', ...none, requests: 9 },
      { keyId: spare.id, ...none, promptTokens: 5 },
    ]);
    expect(await store.upstreamKeys.get(first.id)).toMatchObject({
      requestCount: 3,
      failureCount: 1,
      promptTokens: 10,
      completionTokens: 20,
      lastUsedAt: T0 + 50,
      lastError: 'status_429',
      lastErrorAt: T0 + 40,
    });
    // Tokens alone (no request in the batch) leave last use as it was.
    expect(await store.upstreamKeys.get(spare.id)).toMatchObject({ promptTokens: 5, lastUsedAt: null, lastError: null });

    // An older last use and an older error (a late batch) change neither; a newer error replaces the old one.
    await store.upstreamKeys.addUsage([
      { keyId: first.id, requests: 1, failures: 1, promptTokens: 1, completionTokens: 1, lastUsedAt: T0 + 5, lastError: { code: 'unreachable', at: T0 + 5 } },
    ]);
    expect(await store.upstreamKeys.get(first.id)).toMatchObject({
      requestCount: 4,
      failureCount: 2,
      promptTokens: 11,
      completionTokens: 21,
      lastUsedAt: T0 + 50,
      lastError: 'status_429',
      lastErrorAt: T0 + 40,
    });
    await store.upstreamKeys.addUsage([
      { keyId: first.id, ...none, requests: 1, failures: 1, lastUsedAt: T0 + 60, lastError: { code: 'status_503', at: T0 + 60 } },
    ]);
    expect(await store.upstreamKeys.get(first.id)).toMatchObject({
      requestCount: 5,
      failureCount: 3,
      lastUsedAt: T0 + 60,
      lastError: 'status_503',
      lastErrorAt: T0 + 60,
    });
    // No error in the batch keeps the last one.
    await store.upstreamKeys.addUsage([{ keyId: first.id, ...none, requests: 1, lastUsedAt: T0 + 70 }]);
    expect(await store.upstreamKeys.get(first.id)).toMatchObject({ requestCount: 6, lastUsedAt: T0 + 70, lastError: 'status_503', lastErrorAt: T0 + 60 });

    await store.upstreamKeys.addUsage([]);
  });
});

describeEachStore('project creation with keys', (tempStore) => {
  it('writes nothing when one of the keys is refused (a label given twice)', async () => {
    const store = await tempStore();
    const project = sampleProject({ name: 'atomic' });
    const keys = [sampleKey(project.id, { label: 'same' }), sampleKey(project.id, { label: 'same' })];
    await expect(store.projects.create(project, keys)).rejects.toMatchObject({
      code: 'duplicate_name',
      message: 'This project already has an upstream key labelled "same"',
    });
    expect(await store.projects.get(project.id)).toBeNull();
    expect(await store.projects.list()).toEqual([]);
    expect(await store.upstreamKeys.get(keys[0]!.id)).toBeNull();

    // The name is free again: nothing was left behind.
    const created = await store.projects.create(project, [keys[0]!]);
    expect((await store.upstreamKeys.listForProject(created.id)).map((k) => k.id)).toEqual([keys[0]!.id]);
  });

  it('writes no key when the project name is taken', async () => {
    const store = await tempStore();
    await store.projects.create(...withOneKey(sampleProject({ name: 'taken' })));
    const project = sampleProject({ name: 'taken' });
    const key = sampleKey(project.id);
    await expect(store.projects.create(project, [key])).rejects.toMatchObject({ code: 'duplicate_name', message: 'A project named "taken" already exists' });
    expect(await store.upstreamKeys.get(key.id)).toBeNull();
  });

  it('refuses keys that name another project', async () => {
    const store = await tempStore();
    const existing = await store.projects.create(...withOneKey(sampleProject()));
    const project = sampleProject();
    await expect(store.projects.create(project, [sampleKey(existing.id, { label: 'sneaky' })])).rejects.toMatchObject({ code: 'validation_failed' });
    expect(await store.projects.get(project.id)).toBeNull();
    expect((await store.upstreamKeys.listForProject(existing.id)).map((k) => k.label)).toEqual(['default']);
  });

  it('stores transformations as JSON ({} when left out) and any provider', async () => {
    const store = await tempStore();
    const plain = await store.projects.create(...withOneKey(sampleProject({ provider: 'azure' })));
    expect(plain).toMatchObject({ provider: 'azure', transformations: {} });

    const transformations = { defaultModel: 'gpt-4o-mini', modelAliases: { fast: 'gpt-4o-mini' }, maxTokensCeiling: 4096, removeHeaders: ['x-debug'] };
    const shaped = await store.projects.create(...withOneKey(sampleProject({ provider: 'openai-compatible', transformations })));
    expect(await store.projects.get(shaped.id)).toMatchObject({ provider: 'openai-compatible', transformations });

    const changed = await store.projects.update(shaped.id, { transformations: { systemPromptPrefix: 'Be brief.' } }, T0 + 1);
    expect(changed?.transformations).toEqual({ systemPromptPrefix: 'Be brief.' });
    expect((await store.projects.update(shaped.id, { name: `renamed-${newId()}` }, T0 + 2))?.transformations).toEqual({ systemPromptPrefix: 'Be brief.' });
  });
});
