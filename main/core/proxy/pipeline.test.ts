// The pass runner (./pipeline.ts): order, 'answered', how a throwing pass fails the request; then the
// same through the real handler (./handler.ts) on 127.0.0.1 against the mock provider: the built-in
// pipeline end to end, and passes that fail before the answer, inside it (JSON and SSE) and after it.
import { once } from 'node:events';
import http, { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Socket } from 'node:net';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AuditEntry, AuditLog } from '../audit/audit-log.ts';
import { createResponseCache } from '../cache/response-cache.ts';
import { systemClock } from '../clock.ts';
import type { RequestEvent } from '../events/request-event.ts';
import { RequestTrace } from '../events/request-trace.ts';
import type { LimitTicket, RequestLimits } from '../limits/request-limits.ts';
import type { TokenRow } from '../store/types.ts';
import { startMockUpstream, type MockUpstream } from '../testing/mock-upstream.ts';
import type { Authenticated, GateResult, TokenGate } from '../tokens/token-gate.ts';
import type { UpstreamKey } from '../tokens/upstream.ts';
import type { UsageRecorder } from '../tokens/usage-recorder.ts';
import { ProxyError } from './errors.ts';
import { ProxyRefusal, newExchange, type ProxyExchange } from './exchange.ts';
import type { ForwardResult } from './forward.ts';
import { createProxyHandler, type ProxyHandlerDeps } from './handler.ts';
import { KeyHealth, KeySelector } from './key-selector.ts';
import type { KeyUsageRecorder } from './key-usage-recorder.ts';
import { builtInPipeline } from './passes/index.ts';
import {
  PassFailure,
  openTaps,
  runAttemptPasses,
  runEndPasses,
  runHeaderPasses,
  runRequestPasses,
  type AttemptPass,
  type Pipeline,
  type RequestPass,
  type ResponseHead,
  type ResponsePass,
  type StreamPass,
} from './pipeline.ts';
import { providers } from './providers.ts';
import { createUpstreamAgent } from './upstream-agent.ts';
import { sampleTokenRow } from './passes/test-rows.ts';

// ---------------------------------------------------------------------------------------------------
// The runner, pass by pass.

function bareExchange(): ProxyExchange {
  const req = new IncomingMessage(new Socket());
  req.method = 'POST';
  req.url = '/v1/chat/completions';
  return newExchange(req, new ServerResponse(req), 'req-1', new RequestTrace(req, 'req-1', 1_000), '/v1/chat/completions', undefined);
}

const KEY: UpstreamKey = { id: 'key-1', label: 'default', weight: 1, apiKey: 'sk-upstream-1' };
const RESULT: ForwardResult = { status: 200, aborted: false, errorCode: null, upstreamMs: 1, bytesOut: 1, streamed: false, attempts: 1 };
const HEAD: ResponseHead = { status: 200, headers: {}, contentType: 'application/json' };

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err,
  );
}

function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('runRequestPasses', () => {
  it('runs the passes in order, sync and async alike, and reports no answer', async () => {
    const ran: string[] = [];
    const passes: RequestPass[] = [
      { name: 'a', onRequest: () => void ran.push('a') },
      { name: 'b', onRequest: async () => void ran.push('b') },
      { name: 'c', onRequest: (x) => void ran.push(`c:${x.requestId}`) },
    ];
    await expect(runRequestPasses(passes, bareExchange())).resolves.toBe(false);
    expect(ran).toEqual(['a', 'b', 'c:req-1']);
  });

  it('stops at a pass that answered (sync or async) and reports it', async () => {
    for (const answer of [() => 'answered' as const, async () => 'answered' as const]) {
      const ran: string[] = [];
      const passes: RequestPass[] = [
        { name: 'a', onRequest: () => void ran.push('a') },
        { name: 'cache', onRequest: () => (ran.push('cache'), answer()) },
        { name: 'after', onRequest: () => void ran.push('after') },
      ];
      await expect(runRequestPasses(passes, bareExchange())).resolves.toBe(true);
      expect(ran).toEqual(['a', 'cache']);
    }
  });

  it('turns a plain Error thrown by a sync pass into PassFailure(pass_failed) naming the pass', async () => {
    const ran: string[] = [];
    const boom = new Error('boom');
    const passes: RequestPass[] = [
      { name: 'first', onRequest: () => void ran.push('first') },
      {
        name: 'exploding',
        onRequest: () => {
          throw boom;
        },
      },
      { name: 'never', onRequest: () => void ran.push('never') },
    ];
    const err = await rejectionOf(runRequestPasses(passes, bareExchange()));
    expect(err).toBeInstanceOf(PassFailure);
    expect(err).toBeInstanceOf(ProxyError);
    const failure = err as PassFailure;
    expect(failure.code).toBe('pass_failed');
    expect(failure.status).toBe(500);
    expect(failure.pass).toBe('exploding');
    expect(failure.cause).toBe(boom);
    // The client's message is the code's, never the pass's own.
    expect(failure.message).toBe('The proxy failed to process this request.');
    expect(ran).toEqual(['first']);
  });

  it("turns an async pass's rejection, or a thrown non-Error, into PassFailure too", async () => {
    const rejected = await rejectionOf(
      runRequestPasses(
        [
          {
            name: 'async-one',
            onRequest: async () => {
              throw new TypeError('x is undefined');
            },
          },
        ],
        bareExchange(),
      ),
    );
    expect(rejected).toBeInstanceOf(PassFailure);
    expect((rejected as PassFailure).pass).toBe('async-one');
    expect((rejected as PassFailure).cause).toBeInstanceOf(TypeError);

    const thrownString = await rejectionOf(
      runRequestPasses(
        [
          {
            name: 'string-thrower',
            onRequest: () => {
              throw 'nope';
            },
          },
        ],
        bareExchange(),
      ),
    );
    expect(thrownString).toBeInstanceOf(PassFailure);
    expect((thrownString as PassFailure).cause).toBe('nope');
  });

  it('lets a ProxyError or a ProxyRefusal through untouched', async () => {
    const error = new ProxyError('invalid_json');
    expect(
      await rejectionOf(
        runRequestPasses(
          [
            {
              name: 'read-body',
              onRequest: () => {
                throw error;
              },
            },
          ],
          bareExchange(),
        ),
      ),
    ).toBe(error);
    const refusal = new ProxyRefusal('model_not_allowed', { details: { model: 'gpt-4o' } });
    expect(
      await rejectionOf(
        runRequestPasses(
          [
            {
              name: 'models',
              onRequest: async () => {
                throw refusal;
              },
            },
          ],
          bareExchange(),
        ),
      ),
    ).toBe(refusal);
  });
});

describe('runAttemptPasses and runHeaderPasses', () => {
  it("runs attempt passes in order with the attempt's key", () => {
    const seen: string[] = [];
    const passes: AttemptPass[] = [
      { name: 'a', onAttempt: (_x, key) => void seen.push(`a:${key.id}`) },
      { name: 'b', onAttempt: (_x, key) => void seen.push(`b:${key.id}`) },
    ];
    runAttemptPasses(passes, bareExchange(), KEY);
    expect(seen).toEqual(['a:key-1', 'b:key-1']);
  });

  it('names a throwing attempt pass, and passes a ProxyRefusal through', () => {
    const err = thrownBy(() =>
      runAttemptPasses(
        [
          {
            name: 'swap',
            onAttempt: () => {
              throw new Error('no key');
            },
          },
        ],
        bareExchange(),
        KEY,
      ),
    );
    expect(err).toBeInstanceOf(PassFailure);
    expect((err as PassFailure).pass).toBe('swap');
    const refusal = new ProxyRefusal('no_upstream_key');
    expect(
      thrownBy(() =>
        runAttemptPasses(
          [
            {
              name: 'swap',
              onAttempt: () => {
                throw refusal;
              },
            },
          ],
          bareExchange(),
          KEY,
        ),
      ),
    ).toBe(refusal);
  });

  it('runs header passes in order, skipping passes without onHeaders, and names a throwing one', () => {
    const head: ResponseHead = { status: 200, headers: {}, contentType: undefined };
    const order: string[] = [];
    const passes: ResponsePass[] = [
      { name: 'end-only', onEnd: () => undefined },
      { name: 'one', onHeaders: (_x, h) => void ((h.headers['x-one'] = '1'), order.push('one')) },
      { name: 'two', onHeaders: (_x, h) => void ((h.headers['x-one'] = '2'), order.push('two')) },
    ];
    runHeaderPasses(passes, bareExchange(), head);
    expect(order).toEqual(['one', 'two']);
    expect(head.headers).toEqual({ 'x-one': '2' });

    const err = thrownBy(() =>
      runHeaderPasses(
        [
          {
            name: 'bad-headers',
            onHeaders: () => {
              throw new Error('x');
            },
          },
        ],
        bareExchange(),
        head,
      ),
    );
    expect(err).toBeInstanceOf(PassFailure);
    expect((err as PassFailure).pass).toBe('bad-headers');
  });
});

describe('runEndPasses', () => {
  it('runs every end pass in order, reports a throwing one and goes on', () => {
    const ran: string[] = [];
    const errors: [string, unknown][] = [];
    const boom = new Error('store failed');
    const passes: ResponsePass[] = [
      { name: 'headers-only', onHeaders: () => void ran.push('headers-only') },
      { name: 'usage', onEnd: (_x, result) => void ran.push(`usage:${result.status}`) },
      {
        name: 'limits',
        onEnd: () => {
          throw boom;
        },
      },
      { name: 'cache', onEnd: () => void ran.push('cache') },
    ];
    expect(() => runEndPasses(passes, bareExchange(), RESULT, (pass, err) => errors.push([pass, err]))).not.toThrow();
    expect(ran).toEqual(['usage:200', 'cache']);
    expect(errors).toEqual([['limits', boom]]);
  });

  it('reports even a ProxyError thrown at the end instead of throwing it', () => {
    const errors: string[] = [];
    const error = new ProxyError('internal_error');
    runEndPasses(
      [
        {
          name: 'a',
          onEnd: () => {
            throw error;
          },
        },
        {
          name: 'b',
          onEnd: () => {
            throw error;
          },
        },
      ],
      bareExchange(),
      RESULT,
      (pass) => errors.push(pass),
    );
    expect(errors).toEqual(['a', 'b']);
  });
});

describe('openTaps', () => {
  it('opens the taps in order, skipping passes with nothing to read, and feeds them', () => {
    const seen: string[] = [];
    const tapOf = (name: string): StreamPass => ({
      name,
      onStream: () => ({ write: (chunk) => void seen.push(`${name}:${chunk.toString()}`), end: () => void seen.push(`${name}:end`) }),
    });
    const taps = openTaps([tapOf('usage'), { name: 'nothing', onStream: () => null }, tapOf('cache')], bareExchange(), HEAD);
    expect(taps).toHaveLength(2);
    for (const tap of taps) tap.write(Buffer.from('abc'));
    for (const tap of taps) tap.end();
    expect(seen).toEqual(['usage:abc', 'cache:abc', 'usage:end', 'cache:end']);
  });

  it('turns a throwing tap (write or end) into PassFailure naming its pass', () => {
    const broken: StreamPass = {
      name: 'broken-tap',
      onStream: () => ({
        write: () => {
          throw new RangeError('bad chunk');
        },
        end: () => {
          throw new Error('bad end');
        },
      }),
    };
    const [tap] = openTaps([broken], bareExchange(), HEAD);
    const onWrite = thrownBy(() => tap!.write(Buffer.from('x')));
    expect(onWrite).toBeInstanceOf(PassFailure);
    expect((onWrite as PassFailure).pass).toBe('broken-tap');
    expect((onWrite as PassFailure).code).toBe('pass_failed');
    expect((onWrite as PassFailure).cause).toBeInstanceOf(RangeError);
    const onEnd = thrownBy(() => tap!.end());
    expect(onEnd).toBeInstanceOf(PassFailure);
    expect((onEnd as PassFailure).pass).toBe('broken-tap');
  });

  it("names a pass whose onStream throws, and lets a tap's ProxyError through", () => {
    const err = thrownBy(() =>
      openTaps(
        [
          {
            name: 'no-tap',
            onStream: () => {
              throw new Error('x');
            },
          },
        ],
        bareExchange(),
        HEAD,
      ),
    );
    expect(err).toBeInstanceOf(PassFailure);
    expect((err as PassFailure).pass).toBe('no-tap');

    const error = new ProxyError('upstream_bad_response');
    const [tap] = openTaps(
      [
        {
          name: 'strict',
          onStream: () => ({
            write: () => {
              throw error;
            },
            end: () => undefined,
          }),
        },
      ],
      bareExchange(),
      HEAD,
    );
    expect(thrownBy(() => tap!.write(Buffer.from('x')))).toBe(error);
  });
});

// ---------------------------------------------------------------------------------------------------
// Through the handler, over HTTP, against the mock provider.

const PROXY_TOKEN = 'llmp_pipeline_test_token';
const PASS_FAILED_BODY = JSON.stringify({
  error: { message: 'The proxy failed to process this request.', type: 'server_error', code: 'pass_failed', param: null },
});

const tokenRow = (): TokenRow => sampleTokenRow();

interface World {
  mock: MockUpstream;
  server: http.Server;
  url: string;
  deps: ProxyHandlerDeps;
  builtIn: Pipeline;
  auth: Authenticated;
  events: RequestEvent[];
  audits: AuditEntry[];
  logs: Record<string, unknown>[];
  tokenUsage: unknown[][];
  keyTokens: unknown[][];
  keyAttempts: string[];
  tickets: { finished: unknown[]; cancelled: number }[];
}

let w: World;

beforeAll(async () => {
  const mock = await startMockUpstream();
  const keyHealth = new KeyHealth({ cooldownMs: 1_000, authCooldownMs: 10_000, maxCooldownMs: 20_000 });
  const auth: Authenticated = {
    token: tokenRow(),
    upstream: {
      projectId: 'proj-1',
      projectName: 'Project',
      provider: providers.openai,
      baseUrl: mock.url,
      keys: new KeySelector([KEY], keyHealth),
      limits: { defaultRpm: null, defaultTpm: null, sharedRpm: null, sharedTpm: null, sharedKey: 'fp' },
      cache: { defaultTtlSeconds: null, sharedAcrossTokens: true },
      transformations: { modelAliases: { fast: 'gpt-4o-mini' }, maxTokensCeiling: 256, setHeaders: { 'x-team': 'search' } },
      prices: {},
      monthlyBudgetUsd: null,
    },
  };
  const events: RequestEvent[] = [];
  const audits: AuditEntry[] = [];
  const logs: Record<string, unknown>[] = [];
  const tokenUsage: unknown[][] = [];
  const keyTokens: unknown[][] = [];
  const keyAttempts: string[] = [];
  const tickets: { finished: unknown[]; cancelled: number }[] = [];

  const gate = {
    async authenticate(raw: string | null): Promise<GateResult<Authenticated>> {
      return raw === PROXY_TOKEN ? { ok: true, value: auth } : { ok: false, refusal: 'invalid_api_key', tokenId: null, projectId: null };
    },
    checkModel: (a: Authenticated): GateResult<Authenticated> => ({ ok: true, value: a }),
    quotaSpent: () => false,
    claimRequest: async (a: Authenticated): Promise<GateResult<Authenticated>> => ({ ok: true, value: a }),
  };
  const limits: Pick<RequestLimits, 'admit'> = {
    async admit() {
      const record = { finished: [] as unknown[], cancelled: 0 };
      tickets.push(record);
      const ticket: LimitTicket = { finish: (usage) => void record.finished.push(usage), cancel: () => void record.cancelled++ };
      return { ok: true, headers: { 'x-ratelimit-limit-requests': '60', 'x-ratelimit-remaining-requests': '59' }, ticket };
    },
  };
  const log = pino({ level: 'error' }, { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) });
  const usage: UsageRecorder = {
    recordRequest: () => undefined,
    recordTokens: (...args) => void tokenUsage.push(args),
    recordCacheHit: () => undefined,
    flush: async () => undefined,
    close: async () => undefined,
  };
  const keyUsage: KeyUsageRecorder = {
    recordAttempt: (keyId) => void keyAttempts.push(keyId),
    recordTokens: (...args) => void keyTokens.push(args),
    flush: async () => undefined,
    close: async () => undefined,
  };
  const eventRecorder = { record: async (event: RequestEvent) => void events.push(event) };
  const cache = createResponseCache({
    store: null,
    namespace: 'test',
    clock: systemClock,
    log,
    maxBytes: null,
    maxObjectBytes: 1_000_000,
    defaultTtlSeconds: 0,
  });
  const builtIn = builtInPipeline({
    gate: gate as unknown as TokenGate,
    limits,
    cache,
    usage,
    keyUsage,
    events: eventRecorder,
    clock: systemClock,
    maxBodyBytes: 1_000_000,
  });
  const deps: ProxyHandlerDeps = {
    pipeline: builtIn,
    audit: { recordLater: (entry: AuditEntry) => void audits.push(entry), tally: (entry: AuditEntry) => void audits.push(entry) } as unknown as AuditLog,
    events: eventRecorder,
    keyHealth,
    keyUsage,
    dispatcher: createUpstreamAgent(),
    clock: systemClock,
    log,
    headersTimeoutMs: 10_000,
    idleTimeoutMs: 10_000,
  };
  const server = http.createServer(createProxyHandler(deps));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  w = {
    mock,
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    deps,
    builtIn,
    auth,
    events,
    audits,
    logs,
    tokenUsage,
    keyTokens,
    keyAttempts,
    tickets,
  };
});

afterAll(async () => {
  w.server.closeAllConnections();
  await new Promise<void>((resolve) => w.server.close(() => resolve()));
  await (w.deps.dispatcher as ReturnType<typeof createUpstreamAgent>).close();
  await w.mock.close();
});

beforeEach(() => {
  w.deps.pipeline = w.builtIn;
  for (const list of [w.mock.received, w.events, w.audits, w.logs, w.tokenUsage, w.keyTokens, w.keyAttempts, w.tickets]) list.length = 0;
});

afterEach(() => {
  w.deps.pipeline = w.builtIn;
});

function chat(body: Record<string, unknown>, token = PROXY_TOKEN): Promise<Response> {
  return fetch(`${w.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', cookie: 'session=1' },
    body: JSON.stringify(body),
  });
}

const messages = [{ role: 'user', content: 'Hi' }];

/** The built-in pipeline with `extra` spliced in right after the pass named `after`. */
function withRequestPass(after: string, extra: RequestPass): Pipeline {
  const request = [...w.builtIn.request];
  const at = request.findIndex((pass) => pass.name === after);
  expect(at).toBeGreaterThanOrEqual(0);
  request.splice(at + 1, 0, extra);
  return { ...w.builtIn, request };
}

/** Errors thrown nowhere (e.g. an 'error' event without a listener) while `run` and the next few ticks run. */
async function uncaughtDuring(run: () => Promise<void>): Promise<unknown[]> {
  const uncaught: unknown[] = [];
  const onUncaught = (err: unknown): void => void uncaught.push(err);
  process.on('uncaughtException', onUncaught);
  try {
    await run();
    await new Promise((resolve) => setTimeout(resolve, 50));
  } finally {
    process.off('uncaughtException', onUncaught);
  }
  return uncaught.map((err) => (err instanceof Error ? `${err.name}: ${err.message}` : err));
}

const throwingTap = (name: string): StreamPass => ({
  name,
  onStream: () => ({
    write: () => {
      throw new Error('tap exploded');
    },
    end: () => undefined,
  }),
});

describe('handler with the built-in pipeline', () => {
  it('rewrites, swaps the key, forwards and accounts a JSON answer', async () => {
    const res = await chat({ model: 'fast', messages, max_completion_tokens: 4_000 });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { model: string; usage: unknown };
    expect(answer.model).toBe('gpt-4o-mini');
    expect(res.headers.get('x-ratelimit-limit-requests')).toBe('60');
    expect(res.headers.get('x-proxy-cache')).toBe('BYPASS');
    expect(res.headers.get('x-request-id')).toMatch(/^[\w-]+$/);
    expect(res.headers.get('x-upstream-request-id')).toBe('upstream-req-1');
    expect(res.headers.get('set-cookie')).toBeNull();

    expect(w.mock.received).toHaveLength(1);
    const seen = w.mock.received[0]!;
    expect(JSON.parse(seen.body)).toEqual({ model: 'gpt-4o-mini', messages, max_completion_tokens: 256 });
    expect(seen.headers.authorization).toBe('Bearer sk-upstream-1');
    expect(seen.headers['x-team']).toBe('search');
    expect(seen.headers['accept-encoding']).toBe('identity');
    expect(seen.headers.cookie).toBeUndefined();
    expect(seen.headers['x-request-id']).toBe(res.headers.get('x-request-id'));
    expect(JSON.stringify(seen.headers)).not.toContain(PROXY_TOKEN);

    await vi.waitFor(() => expect(w.tokenUsage).toEqual([['tok-1', 11, 5]]));
    expect(w.keyTokens).toEqual([['key-1', 11, 5]]);
    expect(w.keyAttempts).toEqual(['key-1']);
    expect(w.tickets).toEqual([{ finished: [{ promptTokens: 11, completionTokens: 5, totalTokens: 16 }], cancelled: 0 }]);
    expect(w.events).toHaveLength(1);
    expect(w.events[0]).toMatchObject({
      status: 200,
      errorCode: null,
      model: 'gpt-4o-mini',
      tokenId: 'tok-1',
      projectId: 'proj-1',
      promptTokens: 11,
      completionTokens: 5,
    });
    expect(w.logs).toEqual([]);
  });

  it('asks a stream for its usage and counts it', async () => {
    const res = await chat({ model: 'fast', messages, stream: true });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const text = await res.text();
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(JSON.parse(w.mock.received[0]!.body)).toMatchObject({ model: 'gpt-4o-mini', stream: true, stream_options: { include_usage: true } });
    await vi.waitFor(() => expect(w.tokenUsage).toEqual([['tok-1', 9, 3]]));
    expect(w.events[0]).toMatchObject({ status: 200, streamed: true, promptTokens: 9, completionTokens: 3 });
  });

  it('refuses an unknown token: 401, audited, nothing forwarded', async () => {
    const res = await chat({ model: 'gpt-4o', messages }, 'llmp_wrong');
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_api_key');
    expect(w.mock.received).toEqual([]);
    expect(w.audits).toHaveLength(1);
    expect(w.audits[0]).toMatchObject({ action: 'proxy.refused', outcome: 'denied', actor: 'anonymous', details: { reason: 'invalid_api_key' } });
    expect(w.events[0]).toMatchObject({ status: 401, errorCode: 'invalid_api_key' });
  });
});

describe('handler: a pass that fails before the answer', () => {
  it('answers 500 pass_failed as a whole JSON body, forwards nothing and gives the rate-limit slot back', async () => {
    w.deps.pipeline = withRequestPass('rate-limits', {
      name: 'explode',
      onRequest: () => {
        throw new Error('kaboom secret-ish detail');
      },
    });
    const res = await chat({ model: 'fast', messages });
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(PASS_FAILED_BODY)));
    expect(res.headers.get('x-request-id')).toMatch(/^[\w-]+$/);
    expect(res.headers.get('x-ratelimit-limit-requests')).toBeNull();
    expect(await res.text()).toBe(PASS_FAILED_BODY);
    expect(w.mock.received).toEqual([]);
    expect(w.tickets).toEqual([{ finished: [], cancelled: 1 }]);
    expect(w.events).toHaveLength(1);
    expect(w.events[0]).toMatchObject({ status: 500, errorCode: 'pass_failed' });
    expect(w.audits).toEqual([]);
    // The pass's name goes to the log, never to the client.
    expect(w.logs).toHaveLength(1);
    expect(w.logs[0]).toMatchObject({ msg: 'proxy pass failed', pass: 'explode', requestId: res.headers.get('x-request-id') });
  });

  it('does the same with a minimal pipeline of one throwing pass', async () => {
    w.deps.pipeline = {
      request: [
        {
          name: 'only',
          onRequest: async () => {
            throw new Error('nope');
          },
        },
      ],
      attempt: [],
      response: [],
      stream: [],
    };
    const res = await fetch(`${w.url}/v1/chat/completions`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(500);
    expect(await res.text()).toBe(PASS_FAILED_BODY);
    expect(w.mock.received).toEqual([]);
    expect(w.logs[0]).toMatchObject({ pass: 'only' });
  });

  it('answers a refusal thrown by a custom pass as a refusal, not a failure', async () => {
    w.deps.pipeline = withRequestPass('authenticate', {
      name: 'office-hours',
      onRequest: () => {
        throw new ProxyRefusal('endpoint_not_allowed', { details: { why: 'closed' }, headers: { 'retry-after': '3600' } });
      },
    });
    const res = await chat({ model: 'gpt-4o', messages });
    expect(res.status).toBe(403);
    expect(res.headers.get('retry-after')).toBe('3600');
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('endpoint_not_allowed');
    expect(w.audits[0]).toMatchObject({ details: { reason: 'endpoint_not_allowed', why: 'closed' }, tokenId: 'tok-1' });
    expect(w.logs).toEqual([]);
  });

  it('gives the rate-limit slot back when a pass after the limits refuses', async () => {
    w.deps.pipeline = withRequestPass('rate-limits', {
      name: 'late-refusal',
      onRequest: () => {
        throw new ProxyRefusal('model_not_allowed');
      },
    });
    const res = await chat({ model: 'fast', messages });
    expect(res.status).toBe(403);
    await res.text();
    expect(w.mock.received).toEqual([]);
    // Else a token with maxConcurrent loses one slot for good with every such refusal.
    expect(w.tickets).toEqual([{ finished: [], cancelled: 1 }]);
  });

  it('settles the rate-limit slot when a pass after the limits answers itself', async () => {
    w.deps.pipeline = withRequestPass('rate-limits', {
      name: 'late-answer',
      onRequest: (x) => {
        x.res.writeHead(204, { 'x-request-id': x.requestId });
        x.res.end();
        return 'answered';
      },
    });
    const res = await chat({ model: 'fast', messages });
    expect(res.status).toBe(204);
    expect(w.mock.received).toEqual([]);
    await vi.waitFor(() => expect(w.tickets[0]!.finished.length + w.tickets[0]!.cancelled).toBeGreaterThan(0), { timeout: 10_000, interval: 5 });
    expect(w.tickets).toHaveLength(1);
    expect(w.tickets[0]!.finished.length + w.tickets[0]!.cancelled).toBe(1);
  });

  it("answers 500 pass_failed when a header pass throws, without leaking the upstream's headers or crashing", async () => {
    const broken: ResponsePass = {
      name: 'bad-headers',
      onHeaders: () => {
        throw new Error('no');
      },
    };
    w.deps.pipeline = { ...w.builtIn, response: [...w.builtIn.response, broken] };
    const uncaught = await uncaughtDuring(async () => {
      const res = await chat({ model: 'fast', messages });
      expect(res.status).toBe(500);
      expect(await res.text()).toBe(PASS_FAILED_BODY);
      expect(res.headers.get('x-upstream-request-id')).toBeNull();
      expect(res.headers.get('x-ratelimit-limit-requests')).toBeNull();
    });
    expect(w.mock.received).toHaveLength(1);
    // The answer's end is still settled.
    await vi.waitFor(() => expect(w.tickets[0]!.finished).toHaveLength(1));
    expect(w.events[0]).toMatchObject({ status: 500, errorCode: 'pass_failed' });
    // The unread upstream body must be dropped quietly: an 'error' nobody listens to kills the process.
    expect(uncaught).toEqual([]);
  });

  it('answers 500 pass_failed when a stream pass cannot open its tap, without crashing', async () => {
    const broken: StreamPass = {
      name: 'no-tap',
      onStream: () => {
        throw new Error('no');
      },
    };
    w.deps.pipeline = { ...w.builtIn, stream: [broken, ...w.builtIn.stream] };
    const uncaught = await uncaughtDuring(async () => {
      const res = await chat({ model: 'fast', messages, stream: true });
      expect(res.status).toBe(500);
      expect(await res.text()).toBe(PASS_FAILED_BODY);
    });
    expect(w.events[0]).toMatchObject({ status: 500, errorCode: 'pass_failed' });
    expect(uncaught).toEqual([]);
  });
});

describe('handler: a stream pass that fails inside the answer', () => {
  it('cuts a JSON answer: the client never gets a complete-looking body', async () => {
    w.deps.pipeline = { ...w.builtIn, stream: [...w.builtIn.stream, throwingTap('tap-boom')] };
    const read = chat({ model: 'fast', messages }).then((res) => res.text());
    await expect(read).rejects.toThrow();
    expect(w.mock.received).toHaveLength(1);
    await vi.waitFor(() => expect(w.events).toHaveLength(1));
    expect(w.events[0]).toMatchObject({ errorCode: 'pass_failed' });
  });

  it("ends an SSE answer with an error event carrying pass_failed, and nothing of the upstream's", async () => {
    w.deps.pipeline = { ...w.builtIn, stream: [...w.builtIn.stream, throwingTap('tap-boom')] };
    const res = await chat({ model: 'fast', messages, stream: true });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const text = await res.text();
    expect(text).toBe(`\n\nevent: error\ndata: ${PASS_FAILED_BODY}\n\n`);
    expect(text).not.toContain('chatcmpl-mock');
    expect(text).not.toContain('[DONE]');
    await vi.waitFor(() => expect(w.events).toHaveLength(1));
    expect(w.events[0]).toMatchObject({ status: 200, errorCode: 'pass_failed', streamed: true });
  });

  it("logs the failing tap's pass name", async () => {
    w.deps.pipeline = { ...w.builtIn, stream: [...w.builtIn.stream, throwingTap('tap-boom')] };
    const res = await chat({ model: 'fast', messages, stream: true });
    await res.text();
    await vi.waitFor(() => expect(w.events).toHaveLength(1));
    await vi.waitFor(() => expect(w.logs).toContainEqual(expect.objectContaining({ pass: 'tap-boom' })), { timeout: 1_000 });
  });
});

describe('handler: a pass that fails after the answer', () => {
  it('keeps the complete answer, runs the other end passes and logs the failing one', async () => {
    const broken: ResponsePass = {
      name: 'bad-end',
      onEnd: () => {
        throw new Error('store down');
      },
    };
    w.deps.pipeline = { ...w.builtIn, response: [broken, ...w.builtIn.response] };
    const res = await chat({ model: 'fast', messages });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { model: string }).model).toBe('gpt-4o-mini');
    await vi.waitFor(() => expect(w.tokenUsage).toEqual([['tok-1', 11, 5]]));
    expect(w.tickets[0]!.finished).toHaveLength(1);
    expect(w.logs).toContainEqual(expect.objectContaining({ msg: 'proxy pass failed after the answer', pass: 'bad-end' }));
  });
});
