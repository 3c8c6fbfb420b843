import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JsonlFileSink } from './jsonl-sink.ts';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmp-jsonl-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const event = (n: number) => JSON.stringify({ id: `e${n}`, request_id: `r${n}`, pad: 'x'.repeat(80) });

describe('JSONL file sink', () => {
  it('appends one event a line, in a new folder, readable only by the owner', async () => {
    const file = path.join(dir, 'logs', 'events.jsonl');
    const sink = new JsonlFileSink({ file, maxBytes: 1_000_000 });
    await sink.deliver([event(1), event(2)]);
    await sink.deliver([event(3)]);
    await sink.close();
    expect(fs.readFileSync(file, 'utf8')).toBe(`${event(1)}\n${event(2)}\n${event(3)}\n`);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('rotates by size and keeps five old files', async () => {
    const file = path.join(dir, 'events.jsonl');
    const sink = new JsonlFileSink({ file, maxBytes: 250 });
    for (let n = 1; n <= 8; n++) await sink.deliver([event(n), event(n + 100)]);
    await sink.close();
    // Each batch (two ~110-byte lines) fills a file; a batch is never split across two files.
    expect(fs.readFileSync(file, 'utf8')).toBe(`${event(8)}\n${event(108)}\n`);
    expect(fs.readFileSync(`${file}.1`, 'utf8')).toBe(`${event(7)}\n${event(107)}\n`);
    expect(fs.readFileSync(`${file}.5`, 'utf8')).toBe(`${event(3)}\n${event(103)}\n`);
    expect(fs.existsSync(`${file}.6`)).toBe(false);
  });

  it('cuts a line a crash left unfinished before writing again', async () => {
    const file = path.join(dir, 'events.jsonl');
    fs.writeFileSync(file, `${event(1)}\n${event(2).slice(0, 30)}`);
    const sink = new JsonlFileSink({ file, maxBytes: 1_000_000 });
    await sink.deliver([event(2), event(3)]);
    await sink.close();
    const lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
    expect(lines.map((line) => (JSON.parse(line) as { id: string }).id)).toEqual(['e1', 'e2', 'e3']);
  });

  it('empties a file holding nothing but a partial line', async () => {
    const file = path.join(dir, 'events.jsonl');
    fs.writeFileSync(file, '{"id":"half');
    const sink = new JsonlFileSink({ file, maxBytes: 1_000_000 });
    await sink.deliver([event(1)]);
    await sink.close();
    expect(fs.readFileSync(file, 'utf8')).toBe(`${event(1)}\n`);
  });
});
