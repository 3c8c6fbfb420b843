// The WAL checkpoint runs in a worker thread on its own connection: the pages written through the
// WAL reach the database file without the calling thread running the checkpoint.
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from './test-support.ts';
import { startCheckpointer, type Checkpointer } from './sqlite-checkpointer.ts';

let db: BetterSqlite3.Database | undefined;
let checkpointer: Checkpointer | undefined;
afterEach(() => {
  checkpointer?.close();
  db?.close();
});

describe('checkpointer', () => {
  it('copies the WAL into the database file from a worker thread', async () => {
    const file = path.join(await tempDir(), 'c.db');
    db = new BetterSqlite3(file);
    db.pragma('journal_mode = WAL');
    db.pragma('wal_autocheckpoint = 0');
    db.exec('CREATE TABLE t (v BLOB)');
    const insert = db.prepare('INSERT INTO t VALUES (?)');
    db.transaction(() => {
      for (let i = 0; i < 500; i++) insert.run(Buffer.alloc(2048, i));
    })();
    const before = fs.statSync(file).size;
    expect(before).toBeLessThan(100_000); // everything is still in the WAL
    let inline = 0;
    checkpointer = startCheckpointer(file, () => inline++);
    expect(checkpointer.where).toBe('worker');
    checkpointer.checkpoint();
    await expect.poll(() => fs.statSync(file).size, { timeout: 10_000 }).toBeGreaterThan(1_000_000);
    expect(inline).toBe(0);
  });

  it('runs the checkpoint on the caller once the worker failed', async () => {
    let inline = 0;
    checkpointer = startCheckpointer('/nonexistent/dir/x.db', () => inline++);
    // The worker cannot open the file: it fails, and from then on the caller checkpoints.
    await expect.poll(() => checkpointer!.where, { timeout: 10_000 }).toBe('caller');
    checkpointer.checkpoint();
    expect(inline).toBe(1);
  });
});
