// Contract subscriptions over HTTP: `GET /manage/stream/<name>` answers with Server-Sent Events, one
// `snapshot` event per value (about once a second), until the client leaves or the server closes. The
// management door checks the token like every other call's; browsers read the stream with
// fetch (EventSource cannot send the Authorization header).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isAdminSubscription, type AdminSubscription, type AdminSubscriptionValues } from '../api/contract.ts';
import { AppError } from '../errors.ts';

/** Subscribes to a contract subscription; returns the unsubscribe function. `onEnd`: the server closes it. */
export type SubscriptionSource = <S extends AdminSubscription>(name: S, listener: (value: AdminSubscriptionValues[S]) => void, onEnd: () => void) => () => void;

/** A comment line now and then keeps proxies and idle timers from closing a quiet stream. */
const HEARTBEAT_MS = 15_000;

/** Throws when the caller may not read the subscription's query of the same name (the role decides, in dispatch). */
export type SubscriptionGate = (name: AdminSubscription, req: FastifyRequest) => Promise<void>;

export function registerStreamRoutes(app: FastifyInstance, subscribe: SubscriptionSource, allow: SubscriptionGate): void {
  app.get('/manage/stream/:name', { config: { door: 'management' } }, async (req, reply) => {
    const name = (req.params as { name?: string }).name ?? '';
    if (!isAdminSubscription(name)) throw new AppError('not_found', `Unknown subscription ${name.slice(0, 60)}`);
    await allow(name, req);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
      'x-request-id': String(req.id),
    });
    res.write(': subscribed\n\n');
    let unsubscribe: (() => void) | null = null;
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    const stop = () => {
      clearInterval(heartbeat);
      unsubscribe?.();
      unsubscribe = null;
    };
    res.on('close', stop);
    unsubscribe = subscribe(
      name,
      (value) => {
        // A snapshot stream: a client that cannot keep up misses frames instead of piling them up.
        if (res.writableNeedDrain || res.destroyed) return;
        res.write(`event: snapshot\ndata: ${JSON.stringify(value)}\n\n`);
      },
      () => {
        stop();
        res.end();
      },
    );
    if (res.destroyed) stop();
  });
}
