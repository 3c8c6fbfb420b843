// Kill -9 while requests are in flight or just answered: after a restart, every request the client saw
// answered is in the JSONL file at least once. `llm-proxy serve` runs as a child process.
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../testing/mock-upstream.ts';
import { startServeProcess, type ServeProcess } from '../testing/serve-process.ts';
import { eventually } from './test-support.ts';

const MANAGEMENT_TOKEN = 'crash-test-management-token-0123456';
const REQUESTS = 500;

let upstream: MockUpstream;
let dataDir: string;
const running: ServeProcess[] = [];

beforeEach(async () => {
  upstream = await startMockUpstream();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmp-events-crash-'));
});

afterEach(async () => {
  for (const server of running.splice(0)) await server.stop();
  await upstream.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function serve(eventLog: string): Promise<ServeProcess> {
  const server = await startServeProcess({ dataDir, managementToken: MANAGEMENT_TOKEN, args: ['--log-level', 'warn'], env: { LLM_PROXY_EVENT_LOG: eventLog } });
  running.push(server);
  return server;
}

function readEventLog(file: string): { ids: Set<string>; lines: number } {
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const lines = text.split('\n').filter(Boolean);
  // Every line is a whole event: a line cut by the kill was removed before the batch was written again.
  const events = lines.map((line) => JSON.parse(line) as { request_id: string });
  return { ids: new Set(events.map((e) => e.request_id)), lines: lines.length };
}

describe('events survive kill -9', () => {
  for (const killAfter of [40, 250]) {
    it(`has every answered request in the JSONL file after a kill once ${killAfter} of ${REQUESTS} were answered`, async () => {
      const eventLog = path.join(dataDir, 'events', 'requests.jsonl');
      const first = await serve(eventLog);
      const project = await first.manage('POST', '/manage/projects', { name: 'crash', api_key: 'sk-crash-upstream-key', base_url: upstream.url });
      const token = await first.manage('POST', '/manage/tokens', { project_id: project.json.id, duration_minutes: 60 });

      const answered: string[] = [];
      const exited = once(first.child, 'exit');
      const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
      const send = async () => {
        try {
          const res = await fetch(`${first.url}/v1/chat/completions`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token.json.token}`, 'content-type': 'application/json' },
            body,
          });
          await res.arrayBuffer(); // answered = the whole body arrived
          if (res.status !== 200) throw new Error(`status ${res.status}`);
          answered.push(res.headers.get('x-request-id')!);
          if (answered.length === killAfter) first.child.kill('SIGKILL');
        } catch {
          // Cut off by the kill.
        }
      };
      await Promise.all(Array.from({ length: REQUESTS }, send));
      await exited;
      expect(answered.length).toBeGreaterThanOrEqual(killAfter);

      // The killed process could not release its lease on the JSONL dispatcher. Make that lease run for
      // another hour: the new process (same host and data folder) can then only deliver if it sees that
      // the holder's pid is gone and takes the lease at once, not by waiting for it to lapse.
      const db = new Database(path.join(dataDir, 'llm-proxy.db'));
      try {
        const held = db.prepare("UPDATE event_cursors SET lease_until = ? WHERE dispatcher = 'jsonl' AND lease_owner IS NOT NULL").run(Date.now() + 3_600_000);
        expect(held.changes).toBe(1);
      } finally {
        db.close();
      }
      const second = await serve(eventLog);
      await eventually(
        async () => {
          const status = (await second.manage('POST', '/manage/rpc/events.status', {})).json.value;
          return status.pending === 0 && status.dispatchers[0].lag_events === 0 && status.dispatchers[0].state === 'idle';
        },
        'the JSONL dispatcher to catch up',
        30_000,
      );
      const { ids } = readEventLog(eventLog);
      const missing = answered.filter((id) => !ids.has(id));
      expect(missing).toEqual([]);
    }, 120_000);
  }
});
