import { describe, expect, it } from 'vitest';
import { createProxyController, type ProxyApp } from './proxy-controller.ts';
import { createTrayActions, describeMinutes } from './tray-actions.ts';

function setup(opts: { failCreate?: boolean } = {}) {
  const calls: { method: string; input: unknown }[] = [];
  const app: ProxyApp = {
    url: 'http://127.0.0.1:9200',
    adminUrl: 'http://127.0.0.1:9200/admin',
    call: (async (method: string, input: unknown) => {
      calls.push({ method, input });
      if (opts.failCreate) throw new Error('No project with id p1');
      if (method === 'cache.purge') return { deleted: 3 };
      return { token: 'llmp_full_secret_token' };
    }) as unknown as ProxyApp['call'],
    close: async () => undefined,
  };
  const controller = createProxyController({ start: async () => app });
  const clipboard: string[] = [];
  const notes: { title: string; body: string }[] = [];
  const events: string[] = [];
  let loginEnabled = false;
  const run = createTrayActions({
    controller,
    clipboard: { writeText: (t) => clipboard.push(t) },
    notify: (title, body) => notes.push({ title, body }),
    showWindow: () => events.push('show'),
    quit: () => events.push('quit'),
    startAtLogin: { isEnabled: () => loginEnabled, setEnabled: (v) => (loginEnabled = v) },
    tokenMinutes: () => 480,
    changed: () => events.push('changed'),
  });
  return { controller, run, calls, clipboard, notes, events, loginEnabled: () => loginEnabled };
}

describe('tray actions', () => {
  it('New token: creates it, puts it on the clipboard, notifies without showing it', async () => {
    const s = setup();
    await s.controller.start();
    await s.run({ kind: 'newToken', projectId: 'p1', projectName: 'Editor' });
    expect(s.calls).toEqual([{ method: 'tokens.create', input: { project_id: 'p1', duration_minutes: 480, name: 'From the tray' } }]);
    expect(s.clipboard).toEqual(['llmp_full_secret_token']);
    expect(s.notes).toEqual([
      {
        title: 'Token copied',
        body: 'A new token for Editor is on the clipboard. It expires in 8 hours. For one command: llm-proxy exec --project "Editor" -- <command>',
      },
    ]);
    expect(JSON.stringify(s.notes)).not.toContain('llmp_');
    expect(s.events).toContain('changed');
  });

  it('a failure becomes a notification, the clipboard is untouched', async () => {
    const s = setup({ failCreate: true });
    await s.controller.start();
    await s.run({ kind: 'newToken', projectId: 'p1', projectName: 'Editor' });
    expect(s.clipboard).toEqual([]);
    expect(s.notes).toEqual([{ title: 'Could not create a token', body: 'No project with id p1' }]);
  });

  it('while paused a new token is refused with a clear message', async () => {
    const s = setup();
    await s.controller.start();
    await s.run({ kind: 'pause' });
    expect(s.controller.status().state).toBe('paused');
    await s.run({ kind: 'newToken', projectId: 'p1', projectName: 'Editor' });
    expect(s.notes.at(-1)).toEqual({ title: 'Could not create a token', body: 'The proxy is paused: resume it from the LLM Proxy tray menu.' });
    await s.run({ kind: 'resume' });
    expect(s.controller.status().state).toBe('running');
  });

  it('Copy proxy URL copies the /v1 base URL', async () => {
    const s = setup();
    await s.controller.start();
    await s.run({ kind: 'copyUrl' });
    expect(s.clipboard).toEqual(['http://127.0.0.1:9200/v1']);
  });

  it('Start at login toggles; Open and Quit reach the shell; Purge cache empties the whole cache', async () => {
    const s = setup();
    await s.controller.start();
    await s.run({ kind: 'toggleStartAtLogin' });
    expect(s.loginEnabled()).toBe(true);
    await s.run({ kind: 'toggleStartAtLogin' });
    expect(s.loginEnabled()).toBe(false);
    await s.run({ kind: 'open' });
    await s.run({ kind: 'quit' });
    await s.run({ kind: 'purgeCache' });
    expect(s.events.filter((e) => e !== 'changed')).toEqual(['show', 'quit']);
    expect(s.calls).toEqual([{ method: 'cache.purge', input: { all: true } }]);
    expect(s.notes.at(-1)).toEqual({ title: 'Cache purged', body: '3 cached answers removed.' });
  });

  it('describes lifetimes in words', () => {
    expect([describeMinutes(1), describeMinutes(45), describeMinutes(60), describeMinutes(480), describeMinutes(2880)]).toEqual([
      '1 minute',
      '45 minutes',
      '1 hour',
      '8 hours',
      '2 days',
    ]);
  });
});
