// Notices a request upload that has stopped moving, so a client cannot hold a connection (and the
// request's slot in every limit) open by sending a body slowly or not at all. The server itself has no
// request timeout: a whole-request deadline would cut long streamed answers and big uploads on slow
// links alike. This times only the upload, window by window, and only while we are reading it.
import type { IncomingMessage } from 'node:http';

/**
 * Bytes the client must send within each window for its upload to count as moving. A trickle of one
 * byte a second (slow-loris) never resets the window; any real upload, however slow its link, does.
 */
export const UPLOAD_PROGRESS_BYTES = 1024;

export interface UploadWatch {
  /** `bytes` more of the body arrived. */
  progress(bytes: number): void;
  /** The body is complete, refused or abandoned: nothing more to watch. */
  stop(): void;
}

const idle: UploadWatch = { progress() {}, stop() {} };

/**
 * Calls `onStall` once when fewer than UPLOAD_PROGRESS_BYTES arrive within `windowMs` (0: never). While
 * the request is paused by backpressure (the upstream is slow to take a streamed upload) the client is
 * not to blame, and the window starts over.
 */
export function watchUpload(req: IncomingMessage, windowMs: number, onStall: () => void): UploadWatch {
  if (!(windowMs > 0)) return idle;
  let received = 0;
  let timer: NodeJS.Timeout | null = null;
  const arm = (): void => {
    received = 0;
    if (timer === null) timer = setTimeout(fire, windowMs).unref();
    else timer.refresh();
  };
  const fire = (): void => {
    if (req.readableFlowing === false) return arm();
    timer = null;
    onStall();
  };
  arm();
  return {
    progress(bytes) {
      if (timer === null) return;
      received += bytes;
      if (received >= UPLOAD_PROGRESS_BYTES) arm();
    },
    stop() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
}
