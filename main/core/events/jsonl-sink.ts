// Appends events to a JSONL file (one JSON object a line), synced to disk before the batch is
// acknowledged, rotated by size (file → file.1 → … → file.5). A line cut short by a crash is removed
// when the file is opened again: its batch was not acknowledged, so it is written again whole.
import fs from 'node:fs';
import path from 'node:path';
import type { EventSink } from './delivery.ts';

export interface JsonlSinkOptions {
  file: string;
  /** Rotate before a write would take the file past this size. */
  maxBytes: number;
  /** Rotated files kept beside the current one. */
  keep?: number;
}

export class JsonlFileSink implements EventSink {
  readonly name = 'jsonl';
  readonly kind = 'file' as const;
  readonly target: string;
  private handle: fs.promises.FileHandle | null = null;
  private size = 0;

  constructor(private readonly opts: JsonlSinkOptions) {
    this.target = opts.file;
  }

  async deliver(payloads: string[]): Promise<void> {
    const data = Buffer.from(payloads.join('\n') + '\n');
    let handle = await this.open();
    if (this.size > 0 && this.size + data.length > this.opts.maxBytes) {
      await this.rotate();
      handle = await this.open();
    }
    try {
      await handle.write(data);
      await handle.datasync();
    } catch (err) {
      // Reopen next time: the size we know may be wrong now, and a partial line is cut on open.
      await this.closeHandle();
      throw err;
    }
    this.size += data.length;
  }

  async close(): Promise<void> {
    await this.closeHandle();
  }

  private async open(): Promise<fs.promises.FileHandle> {
    if (this.handle) return this.handle;
    await fs.promises.mkdir(path.dirname(this.opts.file), { recursive: true });
    const handle = await fs.promises.open(this.opts.file, fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_APPEND, 0o600);
    try {
      this.size = await cutPartialLine(handle);
    } catch (err) {
      await handle.close();
      throw err;
    }
    this.handle = handle;
    return handle;
  }

  private async rotate(): Promise<void> {
    await this.closeHandle();
    const keep = this.opts.keep ?? 5;
    const name = (n: number) => `${this.opts.file}.${n}`;
    await fs.promises.rm(name(keep), { force: true });
    for (let n = keep - 1; n >= 1; n--) await fs.promises.rename(name(n), name(n + 1)).catch(ignoreMissing);
    await fs.promises.rename(this.opts.file, name(1)).catch(ignoreMissing);
  }

  private async closeHandle(): Promise<void> {
    const handle = this.handle;
    this.handle = null;
    await handle?.close().catch(() => undefined);
  }
}

/** Truncates the file after its last newline (a line a crash cut short); returns the size kept. */
async function cutPartialLine(handle: fs.promises.FileHandle): Promise<number> {
  const { size } = await handle.stat();
  if (size === 0) return 0;
  const chunk = Buffer.alloc(64 * 1024);
  let end = size;
  while (end > 0) {
    const start = Math.max(0, end - chunk.length);
    const { bytesRead } = await handle.read(chunk, 0, end - start, start);
    const newline = chunk.subarray(0, bytesRead).lastIndexOf(0x0a);
    if (newline !== -1) {
      const keep = start + newline + 1;
      if (keep !== size) await handle.truncate(keep);
      return keep;
    }
    end = start;
  }
  await handle.truncate(0);
  return 0;
}

function ignoreMissing(err: NodeJS.ErrnoException): void {
  if (err.code !== 'ENOENT') throw err;
}
