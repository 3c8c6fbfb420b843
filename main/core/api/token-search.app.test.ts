// tokens.search against the real app: search by name, id and project, state filter with counts, sort
// (active first by default), pages, and an operator sees only its projects.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../testing/test-app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await startTestApp();
});
afterEach(async () => {
  await t.close();
});

async function project(name: string): Promise<string> {
  return (await t.manage('POST', '/manage/projects', { name, api_key: 'sk-test-key-1234', base_url: 'http://127.0.0.1:9' })).json.id;
}
async function mint(projectId: string, name: string): Promise<string> {
  return (await t.manage('POST', '/manage/tokens', { project_id: projectId, duration_minutes: 60, name })).json.id;
}
const search = async (input: Record<string, unknown>) => (await t.manage('POST', '/manage/rpc/tokens.search', input)).json.value;

describe('tokens.search', () => {
  it('searches name, id and project, filters by state, puts active tokens first and pages', async () => {
    const alpha = await project('alpha-team');
    const beta = await project('beta-team');
    const a1 = await mint(alpha, 'laptop script');
    const a2 = await mint(alpha, 'editor plugin');
    const b1 = await mint(beta, 'laptop agent');
    await t.manage('DELETE', `/manage/tokens/${a1}`);

    const all = await search({});
    expect(all.total).toBe(3);
    expect(all.counts).toEqual({ all: 3, active: 2, expired: 0, exhausted: 0, revoked: 1 });
    // Active first (newest first among them), the revoked one last.
    expect(all.items.map((x: { id: string }) => x.id)).toEqual([b1, a2, a1]);

    expect((await search({ search: 'LAPTOP' })).items.map((x: { id: string }) => x.id)).toEqual([b1, a1]);
    expect((await search({ search: 'beta-team' })).items.map((x: { id: string }) => x.id)).toEqual([b1]);
    expect((await search({ search: a2.slice(0, 13) })).items.map((x: { id: string }) => x.id)).toEqual([a2]);
    const revoked = await search({ search: 'laptop', status: 'revoked' });
    expect(revoked).toMatchObject({ total: 1, counts: { all: 2, active: 1, revoked: 1 } });
    expect((await search({ project_id: alpha })).total).toBe(2);

    expect((await search({ sort: 'name' })).items.map((x: { name: string }) => x.name)).toEqual(['editor plugin', 'laptop agent', 'laptop script']);
    expect((await search({ sort: 'name', order: 'desc' })).items.map((x: { name: string }) => x.name)).toEqual([
      'laptop script',
      'laptop agent',
      'editor plugin',
    ]);

    const first = await search({ page_size: 2 });
    const second = await search({ page_size: 2, page: 2 });
    expect(first).toMatchObject({ total: 3, page: 1, page_size: 2 });
    expect([...first.items, ...second.items].map((x: { id: string }) => x.id)).toEqual([b1, a2, a1]);

    // The REST list keeps its shape: an array of every token.
    const rest = await t.manage('GET', '/manage/tokens');
    expect(rest.json).toHaveLength(3);
  });

  it('refuses bad input, and narrows an operator to its projects', async () => {
    const alpha = await project('alpha');
    const beta = await project('beta');
    await mint(alpha, 'a');
    await mint(beta, 'b');
    for (const bad of [{ status: 'gone' }, { sort: 'colour' }, { page: 0 }, { page_size: 501 }, { extra: 1 }]) {
      const res = await t.manage('POST', '/manage/rpc/tokens.search', bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.json.code).toBe('validation_failed');
    }
    const operator = { role: 'operator' as const, actor: 'admin:ola', projectIds: [alpha] };
    const seen = await t.app.call('tokens.search', {}, operator);
    expect(seen.items.map((x) => x.project_id)).toEqual([alpha]);
    expect(seen.counts.all).toBe(1);
    await expect(t.app.call('tokens.search', { project_id: beta }, operator)).rejects.toMatchObject({ code: 'project_not_found' });
  });
});
