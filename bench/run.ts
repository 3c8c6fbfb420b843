// `npm run bench`: the mock upstream directly, a bare undici pass-through, and the proxy's full path
// (token check + model allow-list + quota + accounting), side by side in one run, each in its own
// process; then the full path with rate limits (requests and tokens per minute) decided in memory and
// in Redis. Prints requests/s, p50/p99 and the ratios against the pass-through, then the store layer
// and the choice of upstream key (in process).
import { CACHE_OPT_IN, measureCacheHit } from './cache-hit.ts';
import { measureEventPipeline } from './events.ts';
import { measureFloorSuite } from './floor-suite.ts';
import { measureKeySelection, printKeySelection } from './key-selection.ts';
import { measureMoney } from './money.ts';
import { BASELINE_REF, measurePipeline } from './pipeline.ts';
import { latencyOneConnection, throughput, type Target } from './measure.ts';
import { startTsProcess, type Participant } from './processes.ts';
import { BENCH_BODY, BENCH_MANAGEMENT_TOKEN, startProxy as startProxyProcess, type ProxyVariant } from './proxy-process.ts';
import { redisCommandsProcessed, redisForBench } from './redis.ts';
import { storeLayerRate } from './store-layer.ts';
import { measureStartup, printStartup } from './startup.ts';
import { measureTestFigures } from './test-figures.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const latencyRequests = Number(process.env.BENCH_LATENCY_REQUESTS ?? 3000);
const body = BENCH_BODY;
const children: Participant[] = [];
const startProxy = (upstreamUrl: string, variant?: ProxyVariant): Promise<Target> => startProxyProcess(upstreamUrl, children, variant);

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

async function main(): Promise<void> {
  // First, while nothing else of the bench runs.
  const startupRuns = Number(process.env.BENCH_STARTUP_RUNS ?? 9);
  printStartup(await measureStartup(startupRuns), startupRuns);
  const upstream = await startTsProcess('bench/upstream.ts');
  children.push(upstream);
  const passthrough = await startTsProcess('bench/passthrough.ts', [upstream.url]);
  children.push(passthrough);
  const redis = await redisForBench();
  const targets: Target[] = [
    { name: 'mock upstream (direct)', url: upstream.url, headers: {}, body },
    { name: 'bare undici pass-through', url: passthrough.url, headers: {}, body },
    await startProxy(upstream.url),
    await startProxy(upstream.url, { name: '+ limits, memory', limits: true }),
  ];
  if (redis.url) {
    targets.push(
      await startProxy(upstream.url, {
        name: '+ limits, Redis',
        limits: true,
        args: ['--redis-url', redis.url, '--redis-prefix', `llmp-bench-${process.pid}:`],
      }),
    );
  } else {
    console.log(`\n(Redis limiter skipped: ${redis.reason})`);
  }
  const redisTarget = redis.url ? targets[4] : undefined;
  let redisCommands = 0;
  let redisRequests = 0;

  console.log(`\nThroughput, 64 connections, ${seconds} s each (autocannon)`);
  const wide = [];
  for (const target of targets) {
    await throughput(target, 64, 2); // warm-up: JIT, pools
    const commandsBefore = target === redisTarget ? await redisCommandsProcessed(redis.url!) : 0;
    const result = await throughput(target, 64, seconds);
    if (target === redisTarget) {
      redisCommands = (await redisCommandsProcessed(redis.url!)) - commandsBefore;
      redisRequests = result.rps * seconds;
    }
    if (result.errors || result.non2xx) throw new Error(`${target.name}: ${result.errors} errors, ${result.non2xx} non-2xx`);
    wide.push(result);
    console.log(`  ${target.name.padEnd(26)} ${fmt(result.rps).padStart(8)} req/s   p50 ${result.p50} ms   p99 ${result.p99} ms`);
  }

  console.log(`\nLatency, 1 connection, ${latencyRequests} requests each (hrtime per request)`);
  const narrow = [];
  for (const target of targets) {
    const result = await latencyOneConnection(target, latencyRequests);
    narrow.push(result);
    console.log(`  ${target.name.padEnd(26)} p50 ${fmt(result.p50, 3)} ms   p99 ${fmt(result.p99, 3)} ms   mean ${fmt(result.mean, 3)} ms`);
  }

  console.log('\nStore layer (authenticate + admit + batched count, in process)');
  const cached = await storeLayerRate({ ttlMs: 1000, seconds: 3 });
  const uncached = await storeLayerRate({ ttlMs: 0, seconds: 3 });
  console.log(`  validation cache on          ${fmt(cached).padStart(10)} req/s`);
  console.log(`  every request reads SQLite   ${fmt(uncached).padStart(10)} req/s`);

  console.log('\nKey selection (weighted round robin + key health, in process)');
  printKeySelection(measureKeySelection(Number(process.env.BENCH_KEY_PICKS ?? 5_000_000)));

  const ratio = wide[2]!.rps / wide[1]!.rps;
  const addedP50 = narrow[2]!.p50 - narrow[1]!.p50;
  console.log('\nAgainst the targets');
  console.log(`  full path / pass-through throughput at 64 connections: ${fmt(ratio * 100, 1)} %   (target ≥ 85 %)`);
  console.log(`  added p50 at 1 connection: ${fmt(addedP50, 3)} ms   (target ≤ 0.25 ms)`);
  console.log(`  store layer: ${fmt(cached)} req/s   (target ≥ 20,000)`);

  console.log('\nRate limits (requests + tokens per minute on the token, never reached)');
  for (let i = 3; i < targets.length; i++) {
    const costP50 = narrow[i]!.p50 - narrow[2]!.p50;
    console.log(
      `  ${targets[i]!.name.padEnd(26)} ${fmt((wide[i]!.rps / wide[2]!.rps) * 100, 1)} % of the full path's throughput   +${fmt(costP50, 3)} ms p50 at 1 connection`,
    );
  }
  if (redisTarget) {
    const info = await fetch(`${redisTarget.url}/manage/rpc/system.info`, { method: 'POST', headers: { authorization: `Bearer ${BENCH_MANAGEMENT_TOKEN}` } });
    const { value } = (await info.json()) as { value: { redis: { state: string; local_decisions: number } } };
    console.log(
      `  Redis limiter: ${value.redis.state}, ${fmt(value.redis.local_decisions)} decisions made locally (Redis slower than --redis-command-timeout-ms)`,
    );
  }
  if (redisRequests > 0) {
    // Two EVALSHA at admission (requests and tokens, sent in one pipelined write: one round trip), one
    // more after the answer for the tokens actually used (off the request path). Counted server-wide,
    // so anything else using this Redis during the run shows up here too.
    console.log(`  Redis calls per request: ${fmt(redisCommands / redisRequests, 2)}   (2 at admission in one round trip + 1 after the answer)`);
  }

  console.log(`\nPipeline of passes against the hard-coded path it replaced (${BASELINE_REF}), 64 connections, CPU from /proc`);
  await measurePipeline((variant) => startProxy(upstream.url, variant), { seconds });

  console.log('\nResponse cache (memory store; the same opted-in chat request, answered from the cache)');
  const hit = await startProxy(upstream.url, { name: 'proxy, cache hit', headers: CACHE_OPT_IN });
  await measureCacheHit(hit, { seconds, latencyRequests, passthrough: narrow[1]!, fullPath: narrow[2]! });

  console.log('\nMoney on the hot path (cost + budget check and charge against the same path without prices or budgets)');
  await measureMoney(upstream.url, children, { seconds, latencyRequests });

  console.log('\nRequest events (full path, 64 connections, median of interleaved rounds; CPU from /proc)');
  await measureEventPipeline((variant) => startProxy(upstream.url, variant), children, { seconds, latencyRequests });

  // Issue 22's floor rows (own processes): ratios to the bare pass-through, 1,000 SSE streams, cache hit, RSS.
  for (const { child } of children.splice(0)) child.kill('SIGTERM');
  await measureFloorSuite();

  // Last: the durations tests no longer assert (an abort reaching the upstream, decisions while Redis is out).
  await measureTestFigures(startProxy);
}

main()
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => {
    for (const { child } of children) child.kill('SIGTERM');
  });
