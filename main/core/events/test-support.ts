// Test support: a webhook receiver on 127.0.0.1:0 that can be "down" (503) and collects the events it
// accepted, and helpers to wait on conditions without sleeping.
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface WebhookReceiver {
  url: string;
  /** Answers 503 to every delivery while true. */
  down: boolean;
  /** Every event accepted, in arrival order (duplicates included). */
  events: Record<string, unknown>[];
  /** Deliveries seen (accepted or refused) and the idempotency keys they carried. */
  attempts: { accepted: boolean; key: string | undefined }[];
  /** Resolves once the accepted events hold `count` distinct request ids. */
  waitForRequests(count: number): Promise<void>;
  /** Resolves once `count` deliveries were refused since the receiver started. */
  waitForRefusals(count: number): Promise<void>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const waiters: (() => boolean)[] = [];
  const check = () => {
    for (let i = waiters.length - 1; i >= 0; i--) if (waiters[i]!()) waiters.splice(i, 1);
  };
  const waitUntil = (done: () => boolean) =>
    new Promise<void>((resolve) => {
      if (done()) return resolve();
      waiters.push(() => (done() ? (resolve(), true) : false));
    });
  const distinct = () => new Set(receiver.events.map((e) => e.request_id)).size;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const key = req.headers['idempotency-key'] as string | undefined;
      if (receiver.down) {
        receiver.attempts.push({ accepted: false, key });
        res.writeHead(503).end();
      } else {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { events: Record<string, unknown>[] };
        receiver.events.push(...body.events);
        receiver.attempts.push({ accepted: true, key });
        res.writeHead(204).end();
      }
      check();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const receiver: WebhookReceiver = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/llm-proxy?secret=s3cr3t-webhook`,
    down: false,
    events: [],
    attempts: [],
    waitForRequests: (count) => waitUntil(() => distinct() >= count),
    waitForRefusals: (count) => waitUntil(() => receiver.attempts.filter((a) => !a.accepted).length >= count),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return receiver;
}

/** Checks `condition` after each event-loop turn until it holds (for state that has no event to wait on). */
export async function eventually<T>(
  condition: () => Promise<T | false | null | undefined> | T | false | null | undefined,
  what = 'condition',
  timeoutMs = 15_000,
): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
