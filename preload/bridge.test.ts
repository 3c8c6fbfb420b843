import { describe, expect, it } from 'vitest';
import { adminMethods } from '../main/core/api/contract.ts';
import { IpcTransport } from '../renderer/src/api/ipc-transport.ts';
import { buildBridge } from './bridge.ts';

describe('preload bridge', () => {
  it('offers exactly the contract methods, frozen, and nothing else', () => {
    const bridge = buildBridge(async () => ({ ok: true, value: null }));
    expect(Object.keys(bridge)).toEqual(['admin']);
    expect(Object.keys(bridge.admin).sort()).toEqual([...adminMethods].sort());
    expect(Object.isFrozen(bridge)).toBe(true);
    expect(Object.isFrozen(bridge.admin)).toBe(true);
  });

  it('each method invokes its own contract channel with the input as given', async () => {
    const invoked: [string, unknown][] = [];
    const bridge = buildBridge(async (channel, payload) => {
      invoked.push([channel, payload]);
      return { ok: true, value: channel };
    });
    for (const method of adminMethods) await (bridge.admin[method] as (i: unknown) => Promise<unknown>)({ probe: method });
    expect(invoked).toEqual(adminMethods.map((m) => [`app:${m}`, { probe: m }]));
  });

  it('is what the renderer IPC transport expects: values and coded errors come through', async () => {
    const bridge = buildBridge(async (channel) =>
      channel === 'app:projects.list' ? { ok: true, value: [{ id: 'p' }] } : { ok: false, error: { code: 'proxy_paused', message: 'The proxy is paused' } },
    );
    const transport = new IpcTransport(bridge);
    expect(await transport.call('projects.list', {})).toEqual([{ id: 'p' }]);
    await expect(transport.call('tokens.list', {})).rejects.toMatchObject({ code: 'proxy_paused', message: 'The proxy is paused' });
  });
});
