// `node bin/run-ts.js bench/floor-run.ts`: only the floor comparison of issue 22 (also part of
// `npm run bench`): the proxy's full path against a bare undici pass-through, 1,000 SSE streams, a
// cache hit and RSS growth. BENCH_FLOOR_ROUNDS (5), BENCH_FLOOR_REQUESTS (20000), BENCH_PROXY_ARGS.
import { measureFloorSuite } from './floor-suite.ts';

measureFloorSuite().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
