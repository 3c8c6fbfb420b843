// WAL checkpoints off the event loop: a worker thread with its own SQLite connection copies the WAL back
// into the database file (and fsyncs it) when asked, so the proxy never stalls for the 10–100 ms a
// checkpoint can take on a busy disk. Should the worker not start (a driver built for another runtime),
// the checkpoint runs on the calling thread as before.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** CommonJS, evaluated in the worker: one connection, one checkpoint per message, closed on 'close'. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { timeout: 1000 });
parentPort.on('message', (message) => {
  if (message === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy or closing: the next request does it.
  }
});
`;

export interface Checkpointer {
  /** Asks for a PASSIVE checkpoint (never waits for readers or writers); returns at once. */
  checkpoint(): void;
  close(): void;
  /** Where checkpoints run (tests, /ready details). */
  readonly where: 'worker' | 'caller';
}

export function startCheckpointer(file: string, inline: () => void): Checkpointer {
  let worker: Worker | null = null;
  try {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver } });
    worker.unref();
    worker.on('error', () => {
      worker = null;
    });
  } catch {
    worker = null;
  }
  return {
    checkpoint() {
      if (worker) worker.postMessage('checkpoint');
      else inline();
    },
    close() {
      worker?.postMessage('close');
      worker = null;
    },
    get where() {
      return worker ? 'worker' : 'caller';
    },
  };
}
