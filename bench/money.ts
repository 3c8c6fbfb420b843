// Money on the hot path in `npm run bench`: the full path with a priced, budgeted token (the project's own
// price for the model, a monthly project budget and a lifetime token budget, both never reached: every
// answer is priced, charged to both budgets and added to spend) against the same path without prices or
// budgets (the model unpriced: the cost pass looks it up and finds nothing). Interleaved rounds, the
// order swapped each round (the machine's load drifts); each round gives its own ratios, the median is
// the figure and min–max the spread. Also runs alone: `npx tsx bench/money.ts`.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spread, fmt } from './floor.ts';
import { latencyOneConnection, type Target } from './measure.ts';
import { startTsProcess, type Participant } from './processes.ts';
import { BENCH_MANAGEMENT_TOKEN, startProxy, type ProxyVariant } from './proxy-process.ts';
import { run } from './rounds.ts';

/** Budgets that are never reached, so every request pays for the full check and charge. */
const NEVER_REACHED_USD = 1_000_000;
const PRICED: Omit<ProxyVariant, 'name'> = {
  project: { provider: 'openai-compatible', prices: { 'gpt-4o*': { input_per_mtok: 0.15, output_per_mtok: 0.6 } }, monthly_budget_usd: NEVER_REACHED_USD },
  token: { max_budget_usd: NEVER_REACHED_USD },
};

export async function measureMoney(
  upstreamUrl: string,
  children: Participant[],
  opts: { seconds: number; latencyRequests: number; rounds?: number },
): Promise<void> {
  const plain = await startProxy(upstreamUrl, children, { name: 'no prices, no budgets', project: { provider: 'openai-compatible' } });
  const money = await startProxy(upstreamUrl, children, { name: 'priced + 2 budgets', ...PRICED });
  const targets = [plain, money];
  const pids = targets.map((t) => t.pid);
  const rounds = opts.rounds ?? Number(process.env.BENCH_MONEY_ROUNDS ?? 5);
  const warm = await run(plain, pids[0], 5000);
  await run(money, pids[1], 5000);
  const requests = Number(process.env.BENCH_MONEY_REQUESTS ?? 0) || Math.max(20_000, Math.round(warm.rps * opts.seconds));
  const rps: number[] = [];
  const cpu: number[] = [];
  const raw: { plain: number[]; money: number[] } = { plain: [], money: [] };
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? [0, 1] : [1, 0];
    const results = [];
    for (const i of order) results[i] = await run(targets[i]!, pids[i], requests);
    const [a, b] = results as [Awaited<ReturnType<typeof run>>, Awaited<ReturnType<typeof run>>];
    raw.plain.push(a.rps);
    raw.money.push(b.rps);
    rps.push(b.rps / a.rps);
    if (a.cpuMicros !== null && b.cpuMicros !== null) cpu.push(b.cpuMicros / a.cpuMicros);
  }
  const p50 = [];
  for (let i = 0; i < 3; i++) {
    const x = await latencyOneConnection(plain, opts.latencyRequests);
    const y = await latencyOneConnection(money, opts.latencyRequests);
    p50.push(y.p50 - x.p50);
  }
  const spent = await spendOf(money);
  console.log(`  ${plain.name.padEnd(24)} ${spread(raw.plain, 0)} req/s`);
  console.log(`  ${money.name.padEnd(24)} ${spread(raw.money, 0)} req/s   (spent ${spent} USD over the runs: every answer was priced)`);
  console.log(`  priced + budgets / plain, median (min–max) of ${rounds} interleaved rounds of ${fmt(requests)} requests at 64 connections:`);
  console.log(`    throughput ratio            ${spread(rps, 3)}   (1.000 = no cost)`);
  if (cpu.length) console.log(`    CPU per request ratio       ${spread(cpu, 3)}`);
  console.log(`    added p50 at 1 connection   ${spread(p50, 3)} ms   (3 interleaved pairs of ${fmt(opts.latencyRequests)} requests)`);
}

async function spendOf(target: Target): Promise<number> {
  const res = await fetch(`${target.url}/manage/tokens`, { headers: { authorization: `Bearer ${BENCH_MANAGEMENT_TOKEN}` } });
  const tokens = (await res.json()) as { spend_usd: number }[];
  return tokens.reduce((n, t) => n + t.spend_usd, 0);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const children: Participant[] = [];
  try {
    const upstream = await startTsProcess('bench/upstream.ts');
    children.push(upstream);
    console.log('Money on the hot path (cost + budget check and charge), full path side by side');
    await measureMoney(upstream.url, children, {
      seconds: Number(process.env.BENCH_SECONDS ?? 5),
      latencyRequests: Number(process.env.BENCH_LATENCY_REQUESTS ?? 2000),
    });
  } finally {
    for (const { child } of children) child.kill('SIGTERM');
  }
}
