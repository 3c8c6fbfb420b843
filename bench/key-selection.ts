// Choosing the upstream key for one request: smooth weighted round robin over a project's keys with
// their health (KeySelector.pick), in process. Three keys weighted 1/2/3, one of them cooling down, so
// every pick also pays for the health lookups and the skip. Also runs alone:
// `npx tsx bench/key-selection.ts`.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { KeyHealth, KeySelector } from '../main/core/proxy/key-selector.ts';

export interface KeySelectionResult {
  picks: number;
  nsPerPick: number;
  /** How the picks fell, to prove the cooling key was skipped and the weights held. */
  counts: Record<string, number>;
}

export function measureKeySelection(picks = 5_000_000): KeySelectionResult {
  const health = new KeyHealth({ cooldownMs: 1_000, authCooldownMs: 300_000, maxCooldownMs: 300_000 });
  const keys = [
    { id: '01900000-0000-7000-8000-00000000000a', weight: 1, secret: 'sk-a' },
    { id: '01900000-0000-7000-8000-00000000000b', weight: 2, secret: 'sk-b' },
    { id: '01900000-0000-7000-8000-00000000000c', weight: 3, secret: 'sk-c' },
  ];
  const selector = new KeySelector(keys, health);
  const now = Date.now();
  health.reportFailure(keys[1]!.id, { code: 'rate_limited', status: 429, retryAfterMs: 60_000 }, now);

  const tally = new Float64Array(keys.length);
  const run = (n: number) => {
    for (let i = 0; i < n; i++) {
      const key = selector.pick(now);
      // Cheap use of the result so the call cannot be optimised away.
      if (key === keys[0]) tally[0]!++;
      else if (key === keys[1]) tally[1]!++;
      else tally[2]!++;
    }
  };
  run(200_000); // warm-up: JIT
  tally.fill(0);
  const started = process.hrtime.bigint();
  run(picks);
  const elapsedNs = Number(process.hrtime.bigint() - started);
  return { picks, nsPerPick: elapsedNs / picks, counts: { a: tally[0]!, b: tally[1]!, c: tally[2]! } };
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

export function printKeySelection(result: KeySelectionResult): void {
  const { a, b, c } = result.counts;
  console.log(
    `  pick (3 keys, weights 1/2/3, one cooling down): ${fmt(result.nsPerPick, 1)} ns per request over ${fmt(result.picks)} picks   (target < 1 µs per request)`,
  );
  console.log(`  picks: a ${fmt(a!)}, b ${fmt(b!)} (cooling down), c ${fmt(c!)}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log('\nKey selection (weighted round robin + key health, in process)');
  printKeySelection(measureKeySelection(Number(process.env.BENCH_KEY_PICKS ?? 5_000_000)));
}
