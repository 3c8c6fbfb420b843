// The Keys dialog's store against a fake server behind the real HTTP door.
import { beforeEach, describe, expect, it } from 'vitest';
import type { AdminMethod } from '../../../main/core/api/contract.ts';
import { HttpTransport, setTransport } from '../api/index.ts';
import { fakeFetch, RpcFailure, type Handler } from '../testing/fake-server.ts';
import { keyView, projectView } from '../testing/views.ts';
import { useKeys } from './keys.ts';
import { useProjects } from './projects.ts';
import { initialSession, useSession } from './session.ts';

const MGMT = 'right-token';
const INFO = {
  version: '1.0.0',
  data_dir: '/d',
  listen_url: 'http://127.0.0.1:8484',
  admin_url: 'http://127.0.0.1:8484/admin',
  database: { kind: 'sqlite', location: '/d/db', schema_version: '0006' },
  started_at: '2025-01-01T00:00:00Z',
};

async function signedIn(handlers: Partial<Record<AdminMethod, Handler>>) {
  const server = fakeFetch({ 'system.info': () => INFO, ...handlers }, { token: MGMT });
  setTransport(new HttpTransport({ origin: 'http://127.0.0.1:8484', fetch: server.fetch }));
  useSession.setState(initialSession());
  expect(await useSession.getState().signIn(MGMT)).toBe(true);
  return server;
}

const rpc = (server: Awaited<ReturnType<typeof signedIn>>) => server.calls.map((c) => c.url.split('/manage/rpc/')[1]);

beforeEach(() => {
  useKeys.getState().reset();
  useProjects.getState().reset();
});

describe('keys', () => {
  const project = projectView({ name: 'research' });
  const first = keyView({ project_id: project.id, label: 'default', created_at: '2025-01-01T10:00:00.000Z' });
  const second = keyView({ project_id: project.id, label: 'team-b', created_at: '2025-01-01T11:00:00.000Z' });

  it('loads one project’s keys oldest first, and changes them in place', async () => {
    const server = await signedIn({
      'keys.list': () => [second, first],
      'keys.add': (input: { label: string }) => keyView({ project_id: project.id, label: input.label, created_at: '2025-01-01T12:00:00.000Z' }),
      'keys.update': (input: { id: string; is_enabled?: boolean }) => ({
        ...second,
        ...input,
        health: input.is_enabled === false ? 'disabled' : second.health,
      }),
      'keys.remove': () => first,
      'projects.list': () => [project],
    });
    await useKeys.getState().load(project.id);
    expect(useKeys.getState()).toMatchObject({ projectId: project.id, status: 'ready' });
    expect(useKeys.getState().items.map((k) => k.label)).toEqual(['default', 'team-b']);

    await useKeys.getState().add({ project_id: project.id, label: 'team-c', api_key: 'sk-c' });
    await useKeys.getState().update({ project_id: project.id, id: second.id, is_enabled: false });
    await useKeys.getState().remove({ project_id: project.id, id: first.id });
    expect(useKeys.getState().items.map((k) => [k.label, k.health])).toEqual([
      ['team-b', 'disabled'],
      ['team-c', 'healthy'],
    ]);
    // Each change refreshes the projects (key count, oldest key) quietly.
    expect(rpc(server).filter((m) => m === 'projects.list')).toHaveLength(3);
    expect(JSON.stringify(useKeys.getState().items)).not.toContain('sk-c');
  });

  it('starts empty for another project and keeps a refused change from the list', async () => {
    const other = projectView({ name: 'other' });
    await signedIn({
      'keys.list': (input: { project_id: string }) => (input.project_id === project.id ? [first] : []),
      'keys.remove': () => {
        throw new RpcFailure(409, { error: '"default" is the last upstream key of "research"', code: 'last_upstream_key' });
      },
    });
    await useKeys.getState().load(project.id);
    await expect(useKeys.getState().remove({ project_id: project.id, id: first.id })).rejects.toMatchObject({ code: 'last_upstream_key' });
    expect(useKeys.getState().items).toHaveLength(1);
    const pending = useKeys.getState().load(other.id);
    expect(useKeys.getState()).toMatchObject({ projectId: other.id, items: [], status: 'loading' });
    await pending;
    expect(useKeys.getState()).toMatchObject({ projectId: other.id, items: [], status: 'ready' });
  });

  it('shows a failed load with the server’s message', async () => {
    await signedIn({
      'keys.list': () => {
        throw new RpcFailure(404, { error: 'No project with id x', code: 'project_not_found' });
      },
    });
    await useKeys.getState().load(project.id);
    expect(useKeys.getState()).toMatchObject({ status: 'error', error: { code: 'project_not_found' } });
  });
});
