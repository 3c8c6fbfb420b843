// Contract subscriptions in the screens: SSE over fetch (frames split anywhere, reconnects, 401 ends it),
// and over IPC (the bridge's push, or polling the query of the same name).
import { describe, expect, it } from 'vitest';
import type { LiveSnapshotView } from '../../../main/core/api/event-views.ts';
import type { LlmProxyBridge } from './bridge.ts';
import type { ApiError } from './errors.ts';
import { HttpTransport } from './http-transport.ts';
import { IpcTransport } from './ipc-transport.ts';

const snapshot = (requests: number) => ({ current: { requests } }) as unknown as LiveSnapshotView;

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

describe('subscriptions over HTTP (SSE through fetch)', () => {
  it('sends the token in a header and parses snapshot events split across chunks', async () => {
    const seen: { url: string; auth: string | null }[] = [];
    const frames = `: subscribed\n\nevent: snapshot\ndata: ${JSON.stringify(snapshot(1))}\n\n: keep-alive\n\nevent: snapshot\r\ndata: ${JSON.stringify(snapshot(2))}\r\n\r\n`;
    let calls = 0;
    const fetchImpl = (async (url: string, init: RequestInit) => {
      seen.push({ url, auth: new Headers(init.headers).get('authorization') });
      calls++;
      if (calls > 1) return new Promise<Response>(() => undefined); // the reconnection stays open
      return new Response(streamOf([frames.slice(0, 37), frames.slice(37, 90), frames.slice(90)]), {
        status: 200,
        headers: { 'content-type': 'text/event-stream' },
      });
    }) as typeof fetch;
    const transport = new HttpTransport({ origin: 'http://127.0.0.1:8484', fetch: fetchImpl });
    transport.setToken('mgmt-token');
    const values: number[] = [];
    const states: string[] = [];
    let stop = () => undefined as void;
    await new Promise<void>((resolve) => {
      stop = transport.subscribe('dashboard.live', {
        value: (v) => values.push(v.current.requests),
        state: (s) => {
          states.push(s);
          if (s === 'retrying') resolve();
        },
      });
    });
    stop();
    expect(values).toEqual([1, 2]);
    expect(states.slice(0, 3)).toEqual(['connecting', 'live', 'live']);
    expect(seen[0]).toEqual({ url: 'http://127.0.0.1:8484/manage/stream/dashboard.live', auth: 'Bearer mgmt-token' });
  });

  it('ends on 401 with an unauthorized error', async () => {
    const transport = new HttpTransport({ origin: 'http://x', fetch: (async () => new Response('{}', { status: 401 })) as typeof fetch });
    transport.setToken('old-token');
    const error = await new Promise<ApiError | undefined>((resolve) =>
      transport.subscribe('dashboard.live', { value: () => undefined, state: (s, e) => s === 'retrying' && resolve(e) }),
    );
    expect(error?.code).toBe('unauthorized');
  });
});

describe('subscriptions over IPC', () => {
  it('polls the query of the same name', async () => {
    const bridge = { admin: { 'dashboard.live': async () => ({ ok: true, value: snapshot(3) }) } } as unknown as LlmProxyBridge;
    const value = await new Promise<number>((resolve) => {
      const stop = new IpcTransport(bridge).subscribe('dashboard.live', {
        value: (v) => {
          stop();
          resolve(v.current.requests);
        },
      });
    });
    expect(value).toBe(3);
  });
});
