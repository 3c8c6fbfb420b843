// Test helper: a fetch that answers /manage/rpc/<method> from handlers, and records every request.
import type { AdminMethod } from '../../../main/core/api/contract.ts';

export interface RecordedCall {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
  credentials: RequestCredentials | undefined;
}

export type Handler = (input: never) => unknown;

export class RpcFailure {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {}
}

/** Who signs in unless a test says otherwise: the management token, the first owner. */
const OWNER = { actor: 'management', name: 'management', role: 'owner', project_ids: null, admin_id: null };

export function fakeFetch(given: Partial<Record<AdminMethod, Handler>>, opts: { token?: string } = {}) {
  const handlers: Partial<Record<AdminMethod, Handler>> = { 'admins.me': () => OWNER, ...given };
  const calls: RecordedCall[] = [];
  const fetchImpl = (async (url: string | URL, init?: RequestInit) => {
    const headers = Object.fromEntries(Object.entries((init?.headers ?? {}) as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v]));
    const body = init?.body ? JSON.parse(String(init.body)) : undefined;
    calls.push({ url: String(url), method: init?.method ?? 'GET', headers, body, credentials: init?.credentials });
    if (opts.token && headers.authorization !== `Bearer ${opts.token}`) {
      return json(401, { error: 'A valid management token is required', code: 'unauthorized' });
    }
    const method = String(url).split('/manage/rpc/')[1] as AdminMethod;
    const handler = handlers[method];
    if (!handler) return json(404, { error: `Unknown method ${method}`, code: 'not_found' });
    try {
      return json(200, { value: await handler(body as never) });
    } catch (err) {
      if (err instanceof RpcFailure) return json(err.status, err.body);
      throw err;
    }
  }) as typeof fetch;
  return { fetch: fetchImpl, calls };
}

function json(status: number, value: unknown): Response {
  return new Response(JSON.stringify(value), { status, headers: { 'content-type': 'application/json' } });
}
