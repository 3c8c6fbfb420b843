import { describe, expect, it } from 'vitest';
import { createProxyController, type ControllerStatus, type ProxyApp } from './proxy-controller.ts';

function fakeApp(n: number, log: string[]): ProxyApp {
  return {
    url: `http://127.0.0.1:${8000 + n}`,
    adminUrl: `http://127.0.0.1:${8000 + n}/admin`,
    call: (async (method: string) => ({ answeredBy: n, method })) as unknown as ProxyApp['call'],
    close: async () => {
      log.push(`close ${n}`);
    },
  };
}

function controllerWith(start: () => Promise<ProxyApp>) {
  const states: ControllerStatus['state'][] = [];
  const controller = createProxyController({ start });
  controller.onChange((s) => states.push(s.state));
  return { controller, states };
}

describe('proxy controller', () => {
  it('starts, pauses (closing the core), resumes with a fresh core, stops', async () => {
    const log: string[] = [];
    let n = 0;
    const { controller, states } = controllerWith(async () => {
      log.push(`start ${++n}`);
      return fakeApp(n, log);
    });
    await controller.start();
    expect(controller.status()).toEqual({ state: 'running', url: 'http://127.0.0.1:8001', adminUrl: 'http://127.0.0.1:8001/admin' });
    expect(await controller.call('projects.list', {})).toEqual({ answeredBy: 1, method: 'projects.list' });
    await controller.pause();
    await expect(controller.call('projects.list', {})).rejects.toMatchObject({ code: 'proxy_paused' });
    await controller.resume();
    expect(await controller.call('projects.list', {})).toMatchObject({ answeredBy: 2 });
    await controller.stop();
    expect(log).toEqual(['start 1', 'close 1', 'start 2', 'close 2']);
    expect(states).toEqual(['starting', 'running', 'stopping', 'paused', 'starting', 'running', 'stopping', 'stopped']);
  });

  it('runs transitions one at a time: a pause during a start waits for it', async () => {
    const log: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { controller } = controllerWith(async () => {
      await gate;
      log.push('started');
      return fakeApp(1, log);
    });
    const starting = controller.start();
    const pausing = controller.pause();
    await expect(controller.call('projects.list', {})).rejects.toMatchObject({ code: 'proxy_starting' });
    release();
    await Promise.all([starting, pausing]);
    expect(log).toEqual(['started', 'close 1']);
    expect(controller.status().state).toBe('paused');
  });

  it('a failed start reports why and can be retried', async () => {
    let attempts = 0;
    const { controller } = controllerWith(async () => {
      if (++attempts === 1) throw Object.assign(new Error('listen EADDRINUSE: address already in use 127.0.0.1:8484'), { code: 'EADDRINUSE' });
      return fakeApp(attempts, []);
    });
    await controller.start();
    expect(controller.status()).toEqual({ state: 'failed', message: 'The port is in use by another program: pick another port or stop that program.' });
    await expect(controller.call('projects.list', {})).rejects.toMatchObject({ code: 'proxy_stopped', message: expect.stringContaining('The port is in use') });
    await controller.resume();
    expect(controller.status().state).toBe('running');
  });

  it('after stop nothing starts again', async () => {
    let starts = 0;
    const { controller } = controllerWith(async () => fakeApp(++starts, []));
    await controller.start();
    await controller.stop();
    await controller.resume();
    await controller.pause();
    expect(starts).toBe(1);
    expect(controller.status().state).toBe('stopped');
  });

  it('a double start or resume does not start a second core', async () => {
    let starts = 0;
    const { controller } = controllerWith(async () => fakeApp(++starts, []));
    await Promise.all([controller.start(), controller.resume(), controller.start()]);
    expect(starts).toBe(1);
  });
});
