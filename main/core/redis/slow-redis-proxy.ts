// Test support: a TCP proxy in front of a real Redis that can hold its replies back, so tests drive a
// Redis that answers late (or not at all for now) by command, not by timing luck. Commands always
// reach Redis at once: what a held reply says has already happened there, as with a slow network.
import net from 'node:net';

export interface SlowRedisProxy {
  /** redis://127.0.0.1:<port> of the proxy. */
  url: string;
  /** From now on, Redis's replies wait in the proxy until `release()`. */
  hold(): void;
  /** Sends every held reply (in order) and lets later ones through at once. */
  release(): void;
  /** Bytes of replies held back right now. */
  heldBytes(): number;
  /** Commands' bytes that reached Redis through the proxy so far. */
  forwardedBytes(): number;
  /** Resolves once `forwardedBytes()` is above `bytes` (a command was sent). */
  forwardedMoreThan(bytes: number): Promise<void>;
  /** Closes every client connection (Redis "drops out"); new ones are refused while `refuse` is on. */
  drop(opts?: { refuse?: boolean }): void;
  /** Accepts connections again after `drop({ refuse: true })`. */
  accept(): void;
  close(): Promise<void>;
}

export async function startSlowRedisProxy(target: { host?: string; port: number }): Promise<SlowRedisProxy> {
  let holding = false;
  let refusing = false;
  let forwarded = 0;
  const held: { socket: net.Socket; chunk: Buffer }[] = [];
  const pairs = new Set<{ client: net.Socket; upstream: net.Socket }>();
  const waiters: { bytes: number; resolve: () => void }[] = [];

  const server = net.createServer((client) => {
    if (refusing) {
      client.destroy();
      return;
    }
    const upstream = net.connect(target.port, target.host ?? '127.0.0.1');
    const pair = { client, upstream };
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.on('data', (chunk: Buffer) => {
      forwarded += chunk.length;
      upstream.write(chunk);
      for (const w of waiters.splice(0)) {
        if (forwarded > w.bytes) w.resolve();
        else waiters.push(w);
      }
    });
    upstream.on('data', (chunk: Buffer) => {
      if (holding) held.push({ socket: client, chunk });
      else client.write(chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;

  const proxy: SlowRedisProxy = {
    url: `redis://127.0.0.1:${port}`,
    hold: () => {
      holding = true;
    },
    release: () => {
      holding = false;
      for (const { socket, chunk } of held.splice(0)) if (!socket.destroyed) socket.write(chunk);
    },
    heldBytes: () => held.reduce((sum, h) => sum + h.chunk.length, 0),
    forwardedBytes: () => forwarded,
    forwardedMoreThan: (bytes) => (forwarded > bytes ? Promise.resolve() : new Promise((resolve) => waiters.push({ bytes, resolve }))),
    drop: (opts) => {
      refusing = opts?.refuse ?? false;
      held.length = 0;
      for (const { client, upstream } of pairs) {
        client.destroy();
        upstream.destroy();
      }
    },
    accept: () => {
      refusing = false;
    },
    close: async () => {
      proxy.drop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return proxy;
}
