// Start-up of the `llm-proxy` command, side by side with `node -e 0` on the same machine at the same
// moment (runs interleaved, medians): `--version`, `--help`, a management command against a running
// server (`token list`), and `serve` from spawn to the first 200 from /health (an existing data folder,
// as on every start after the first). Targets from issue 18: 4×, 4×, 6× node, and 1.5 s.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const BIN = 'bin/llm-proxy.js';
const MANAGEMENT_TOKEN = 'bench-startup-management-token-0123456789';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

function timed(args: string[]): number {
  const started = performance.now();
  const run = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = performance.now() - started;
  if (run.status !== 0) throw new Error(`${args.join(' ')}: exit ${run.status}: ${run.stderr.toString()}`);
  return ms;
}

/** Spawn to the first 200 from /health, then a clean stop. */
async function serveToHealthy(dataDir: string): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--data-dir', dataDir, '--management-token', MANAGEMENT_TOKEN, '--log-level', 'warn'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const found = /LLM Proxy listening on (\S+)/.exec(out)?.[1];
      if (found) resolve(found);
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
  });
  while (
    (await fetch(`${url}/health`).then(
      (r) => r.status,
      () => 0,
    )) !== 200
  );
  const ms = performance.now() - started;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
  return ms;
}

export interface StartupFigure {
  name: string;
  ms: number;
  ratio: number;
  target: string;
}

export async function measureStartup(runs = Number(process.env.BENCH_STARTUP_RUNS ?? 9)): Promise<StartupFigure[]> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmp-bench-startup-'));
  try {
    // Rebuilds the CLI if a source changed, and warms the file cache.
    timed([BIN, '--version']);
    await serveToHealthy(dataDir);
    const server = spawn(
      process.execPath,
      [BIN, 'serve', '--port', '0', '--data-dir', dataDir, '--management-token', MANAGEMENT_TOKEN, '--log-level', 'warn'],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const serverUrl = await new Promise<string>((resolve) => {
      let out = '';
      server.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const found = /LLM Proxy listening on (\S+)/.exec(out)?.[1];
        if (found) resolve(found);
      });
    });
    const samples = { node: [] as number[], version: [] as number[], help: [] as number[], tokenList: [] as number[], serve: [] as number[] };
    const otherDir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmp-bench-startup-serve-'));
    await serveToHealthy(otherDir);
    for (let i = 0; i < runs; i++) {
      samples.node.push(timed(['-e', '0']));
      samples.version.push(timed([BIN, '--version']));
      samples.help.push(timed([BIN, '--help']));
      samples.tokenList.push(timed([BIN, 'token', 'list', '--url', serverUrl, '--management-token', MANAGEMENT_TOKEN]));
      samples.serve.push(await serveToHealthy(otherDir));
    }
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
    fs.rmSync(otherDir, { recursive: true, force: true });
    const node = median(samples.node);
    const figure = (name: string, values: number[], target: string) => ({ name, ms: median(values), ratio: median(values) / node, target });
    return [
      figure('node -e 0', samples.node, ''),
      figure('llm-proxy --version', samples.version, '≤ 4×'),
      figure('llm-proxy --help', samples.help, '≤ 4×'),
      figure('llm-proxy token list', samples.tokenList, '≤ 6×'),
      figure('serve → healthy /health', samples.serve, '≤ 1500 ms'),
    ];
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

export function printStartup(figures: StartupFigure[], runs: number): void {
  console.log(`\nStart-up, median of ${runs} interleaved runs (load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} CPUs)`);
  for (const f of figures) {
    console.log(`  ${f.name.padEnd(26)} ${f.ms.toFixed(0).padStart(6)} ms   ${f.ratio.toFixed(1).padStart(5)}× node   ${f.target}`);
  }
}
