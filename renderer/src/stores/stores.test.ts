// The stores against a fake server behind the real HTTP door: sign-in, lists, the one-time token, audit paging.
import { beforeEach, describe, expect, it } from 'vitest';
import { HttpTransport, setTransport } from '../api/index.ts';
import { fakeFetch, RpcFailure, type Handler } from '../testing/fake-server.ts';
import { auditEvent, projectView, tokenView } from '../testing/views.ts';
import type { AdminMethod } from '../../../main/core/api/contract.ts';
import { useAudit } from './audit.ts';
import { useDashboard } from './dashboard.ts';
import { useMe } from './me.ts';
import { useProjects } from './projects.ts';
import { initialSession, SESSION_ENDED, useSession, WRONG_TOKEN } from './session.ts';
import { useSystem } from './system.ts';
import { useTokens } from './tokens.ts';

const MGMT = 'right-token';
const INFO = {
  version: '1.0.0',
  data_dir: '/d',
  listen_url: 'http://127.0.0.1:8484',
  admin_url: 'http://127.0.0.1:8484/admin',
  database: { kind: 'sqlite', location: '/d/db', schema_version: '0002' },
  started_at: '2025-01-01T00:00:00Z',
};

const OWNER = { actor: 'management', name: 'management', role: 'owner', project_ids: null, admin_id: null };

function serve(handlers: Partial<Record<AdminMethod, Handler>>) {
  const server = fakeFetch({ 'system.info': () => INFO, 'admins.me': () => OWNER, ...handlers }, { token: MGMT });
  setTransport(new HttpTransport({ origin: 'http://127.0.0.1:8484', fetch: server.fetch }));
  useSession.setState(initialSession());
  return server;
}

async function signedIn(handlers: Partial<Record<AdminMethod, Handler>>) {
  const server = serve(handlers);
  expect(await useSession.getState().signIn(MGMT)).toBe(true);
  return server;
}

beforeEach(() => {
  for (const store of [useProjects, useTokens, useAudit, useDashboard, useSystem]) store.getState().reset();
});

describe('session', () => {
  it('starts signed out over HTTP and signs in with the right token', async () => {
    serve({});
    expect(useSession.getState().status).toBe('signed-out');
    const pending = useSession.getState().signIn(`  ${MGMT}\n`);
    expect(useSession.getState().status).toBe('signing-in');
    expect(await pending).toBe(true);
    expect(useSession.getState()).toMatchObject({ status: 'signed-in', error: null });
    expect(useSystem.getState().info?.version).toBe('1.0.0');
  });

  it('learns who signed in; an operator’s sign-in does not ask for the server settings it may not read', async () => {
    const operator = { actor: 'admin:olga', name: 'olga', role: 'operator', project_ids: ['p1'], admin_id: 'a1' };
    const server = serve({
      'admins.me': () => operator,
      'system.info': () => {
        throw new RpcFailure(403, { error: 'Your role does not allow this', code: 'forbidden_role' });
      },
    });
    expect(await useSession.getState().signIn(MGMT)).toBe(true);
    expect(useMe.getState().me).toEqual(operator);
    expect(server.calls.map((c) => c.url.split('/manage/rpc/')[1])).toEqual(['admins.me']);
    useSession.getState().signOut();
    expect(useMe.getState().me).toBeNull();
  });

  it('says clearly when the token is wrong, and forgets it', async () => {
    const server = serve({});
    expect(await useSession.getState().signIn('wrong')).toBe(false);
    expect(useSession.getState()).toMatchObject({ status: 'signed-out', error: WRONG_TOKEN });
    // The wrong token is not kept: later calls stop before the network.
    const before = server.calls.length;
    await useProjects.getState().load();
    expect(server.calls).toHaveLength(before);
    expect(useProjects.getState().error?.code).toBe('unauthorized');
  });

  it('asks for a token before calling the server', async () => {
    const server = serve({});
    expect(await useSession.getState().signIn('   ')).toBe(false);
    expect(useSession.getState().error).toBe('Enter the management token.');
    expect(server.calls).toHaveLength(0);
  });

  it('shows the server’s message for other failures', async () => {
    serve({
      'system.info': () => {
        throw new RpcFailure(503, { error: 'The store is unavailable', code: 'store_unavailable' });
      },
    });
    expect(await useSession.getState().signIn(MGMT)).toBe(false);
    expect(useSession.getState().error).toBe('The store is unavailable');
  });

  it('signs out and forgets everything when the server stops accepting the token', async () => {
    const server = await signedIn({ 'projects.list': () => [projectView()] });
    await useProjects.getState().load();
    expect(useProjects.getState().items).toHaveLength(1);
    // The server restarts with another management token.
    setTransport(new HttpTransport({ origin: 'http://127.0.0.1:8484', fetch: fakeFetch({ 'projects.list': () => [] }, { token: 'other' }).fetch }));
    await useProjects.getState().load();
    expect(useSession.getState()).toMatchObject({ status: 'signed-out', error: SESSION_ENDED });
    expect(useProjects.getState().items).toEqual([]);
    expect(useSystem.getState().info).toBeNull();
    expect(server.calls.length).toBeGreaterThan(0);
  });

  it('signing out clears loaded data', async () => {
    await signedIn({ 'tokens.list': () => [tokenView()] });
    await useTokens.getState().load();
    useSession.getState().signOut();
    expect(useSession.getState().status).toBe('signed-out');
    expect(useTokens.getState().items).toEqual([]);
  });
});

describe('projects', () => {
  it('loads sorted by name, shows errors, and keeps the list current after changes', async () => {
    const beta = projectView({ name: 'beta' });
    const alpha = projectView({ name: 'Alpha' });
    let fail = true;
    await signedIn({
      'projects.list': () => {
        if (fail) throw new RpcFailure(503, { error: 'The store is unavailable', code: 'store_unavailable' });
        return [beta, alpha];
      },
      'projects.create': (input: { name: string }) => projectView({ name: input.name }),
      'projects.update': (input: { id: string; name?: string }) => ({ ...beta, ...input }),
    });
    await useProjects.getState().load();
    expect(useProjects.getState()).toMatchObject({ status: 'error', error: { code: 'store_unavailable', message: 'The store is unavailable' } });
    fail = false;
    await useProjects.getState().load();
    expect(useProjects.getState().items.map((p) => p.name)).toEqual(['Alpha', 'beta']);
    await useProjects.getState().create({ name: 'gamma', api_key: 'sk-1' });
    await useProjects.getState().update({ id: beta.id, name: 'aardvark' });
    expect(useProjects.getState().items.map((p) => p.name)).toEqual(['aardvark', 'Alpha', 'gamma']);
  });

  it('passes a refused change to the caller and leaves the list alone', async () => {
    await signedIn({
      'projects.list': () => [projectView({ name: 'one' })],
      'projects.create': () => {
        throw new RpcFailure(409, { error: 'A project named "one" exists', code: 'duplicate_name' });
      },
    });
    await useProjects.getState().load();
    await expect(useProjects.getState().create({ name: 'one', api_key: 'k' })).rejects.toMatchObject({ code: 'duplicate_name' });
    expect(useProjects.getState().items).toHaveLength(1);
  });

  it('quiet refreshes keep the list on screen instead of showing loading', async () => {
    await signedIn({ 'projects.list': () => [projectView()] });
    await useProjects.getState().load();
    const refresh = useProjects.getState().load({ quiet: true });
    expect(useProjects.getState().status).toBe('ready');
    await refresh;
  });
});

describe('tokens', () => {
  const FULL = 'llmp_0190a0000000700080000000000000aaSECRETsecretSECRETsecretSECRETsecret12345';

  it('holds the minted token once, lists only the masked view, and forgets it on dismiss', async () => {
    const projectId = projectView().id;
    const masked = tokenView({ project_id: projectId, token: 'llmp_…2345', name: 'new' });
    await signedIn({
      'tokens.list': () => [],
      'tokens.create': () => ({ ...masked, token: FULL }),
      'tokens.get': () => masked,
    });
    await useTokens.getState().load();
    const created = await useTokens.getState().mint({ project_id: projectId, duration_minutes: 60 });
    expect(created.token).toBe(FULL);
    expect(useTokens.getState().created?.token).toBe(FULL);
    expect(JSON.stringify(useTokens.getState().items)).not.toContain(FULL);
    expect(useTokens.getState().items).toEqual([masked]);
    useTokens.getState().dismissCreated();
    expect(JSON.stringify(useTokens.getState())).not.toContain(FULL);
  });

  it('revoke replaces the row with the server’s answer', async () => {
    const token = tokenView();
    await signedIn({
      'tokens.list': () => [token],
      'tokens.revoke': () => ({ ...token, is_active: false, status: 'revoked', revoked_at: '2025-01-01T11:00:00Z' }),
    });
    await useTokens.getState().load();
    await useTokens.getState().revoke(token.id);
    expect(useTokens.getState().items[0]).toMatchObject({ id: token.id, status: 'revoked' });
  });

  it('update (edit limits) sends the input and replaces the row with the server’s answer', async () => {
    const token = tokenView();
    const server = await signedIn({ 'tokens.list': () => [token], 'tokens.update': (input) => ({ ...token, ...(input as object) }) });
    await useTokens.getState().load();
    await useTokens.getState().update({ id: token.id, rpm_limit: 30, tpm_limit: null, max_concurrent: 2 });
    expect(server.calls.at(-1)).toMatchObject({
      url: expect.stringContaining('/manage/rpc/tokens.update'),
      body: { id: token.id, rpm_limit: 30, tpm_limit: null, max_concurrent: 2 },
    });
    expect(useTokens.getState().items[0]).toMatchObject({ id: token.id, rpm_limit: 30, max_concurrent: 2 });
  });

  it('lists newest first', async () => {
    const older = tokenView({ created_at: '2025-01-01T09:00:00Z', name: 'older' });
    const newer = tokenView({ created_at: '2025-01-02T09:00:00Z', name: 'newer' });
    await signedIn({ 'tokens.list': () => [older, newer] });
    await useTokens.getState().load();
    expect(useTokens.getState().items.map((t) => t.name)).toEqual(['newer', 'older']);
  });
});

describe('audit', () => {
  function pages(total: number) {
    const events = Array.from({ length: total }, (_, i) => auditEvent({ action: i % 2 ? 'token.revoke' : 'token.create' }));
    const seen: unknown[] = [];
    const handler = (input: { page?: number; page_size?: number }) => {
      seen.push(input);
      const page = input.page ?? 1;
      const size = input.page_size ?? 50;
      const slice = events.slice((page - 1) * size, page * size);
      const totalPages = Math.max(1, Math.ceil(total / size));
      return {
        events: slice,
        pagination: { page, page_size: size, total_count: total, total_pages: totalPages, has_next: page < totalPages, has_prev: page > 1 },
      };
    };
    return { handler, seen, events };
  }

  it('applies a filter from page 1 and pages with it', async () => {
    const { handler, seen } = pages(120);
    await signedIn({ 'audit.list': handler });
    await useAudit.getState().goToPage(3);
    await useAudit.getState().applyFilter({ outcome: 'denied', search: 'x' });
    expect(useAudit.getState().page).toBe(1);
    await useAudit.getState().goToPage(2);
    expect(seen.at(-1)).toEqual({ outcome: 'denied', search: 'x', page: 2, page_size: 50 });
    expect(useAudit.getState().result?.pagination.page).toBe(2);
  });

  it('exports every page of the current filter as CSV, with the end of the range pinned', async () => {
    const { handler, seen, events } = pages(1203);
    await signedIn({ 'audit.list': handler });
    await useAudit.getState().applyFilter({ action: 'token.create' });
    const progress: string[] = [];
    const { csv, count } = await useAudit.getState().exportCsv((done, total) => progress.push(`${done}/${total}`));
    expect(count).toBe(1203);
    expect(csv.trim().split('\r\n')).toHaveLength(1204);
    expect(csv).toContain(events[1202]!.id);
    expect(progress).toEqual(['500/1203', '1000/1203', '1203/1203']);
    const exportCalls = seen.slice(-3) as { page: number; page_size: number; to?: string; action?: string }[];
    expect(exportCalls.map((c) => c.page)).toEqual([1, 2, 3]);
    expect(exportCalls.every((c) => c.page_size === 500 && c.action === 'token.create' && typeof c.to === 'string')).toBe(true);
    expect(new Set(exportCalls.map((c) => c.to)).size).toBe(1);
  });

  it('opens one event (from the page first, then fresh from the server)', async () => {
    const { handler, events } = pages(3);
    await signedIn({
      'audit.list': handler,
      'audit.get': (input: { id: string }) => ({ ...events.find((e) => e.id === input.id)!, details: { fresh: true } }),
    });
    await useAudit.getState().load();
    const opening = useAudit.getState().open(events[1]!.id);
    expect(useAudit.getState().opened).toMatchObject({ status: 'ready', event: { id: events[1]!.id } });
    await opening;
    expect(useAudit.getState().opened?.event?.details).toEqual({ fresh: true });
    useAudit.getState().close();
    expect(useAudit.getState().opened).toBeNull();
  });
});

describe('dashboard', () => {
  it('loads the summary and keeps the error message when it fails', async () => {
    let ok = false;
    await signedIn({
      'dashboard.summary': () => {
        if (!ok) throw new RpcFailure(500, { error: 'boom', code: 'internal_error' });
        return { projects: { total: 1, active: 1 }, tokens: { active: 2, total: 3 }, requests_today: 7, recent_audit: [] };
      },
    });
    await useDashboard.getState().load();
    expect(useDashboard.getState()).toMatchObject({ status: 'error', error: { message: 'boom' } });
    ok = true;
    await useDashboard.getState().load();
    expect(useDashboard.getState().summary?.requests_today).toBe(7);
  });
});
