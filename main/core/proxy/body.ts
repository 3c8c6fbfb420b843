// Request bodies under a size cap: buffered (JSON we must inspect) or streamed through (uploads).
// Over the cap we stop keeping bytes but never destroy the socket ourselves, so the client, which
// may still be sending, reads the 413 instead of a connection reset. An upload that stops moving
// (./upload-watch.ts) is answered 408 the same way; the answer that follows is never timed by it.
import type { IncomingMessage } from 'node:http';
import { Transform } from 'node:stream';
import type { Readable } from 'node:stream';
import { ProxyError } from './errors.ts';
import { watchUpload } from './upload-watch.ts';

/** The declared Content-Length, or null when the body is chunked (or has none). */
function declaredLength(req: IncomingMessage): number | null {
  const raw = req.headers['content-length'];
  if (raw === undefined) return null;
  const value = Number(raw);
  return Number.isSafeInteger(value) && value >= 0 ? value : null;
}

/**
 * Lets the rest of a refused body flow into nowhere. Reading on keeps the client's upload from
 * stalling (it would never look at our answer); `sendProxyError` answers 413 with
 * `connection: close`, so the socket closes right after the answer and the discarding stops.
 */
function discardRest(req: IncomingMessage): void {
  // Without an 'error' listener a late client reset would be an uncaught exception.
  req.on('error', () => {});
  req.resume();
}

/**
 * Rejects with ProxyError('body_too_large') over `limitBytes`, ('request_body_timeout') when the upload
 * stalls for `stallMs` (0: never), or ('request_aborted') if the client leaves.
 */
export function readBody(req: IncomingMessage, limitBytes: number, stallMs = 0): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const declared = declaredLength(req);
    // Refuse on the header alone: no point receiving megabytes we will throw away.
    if (declared !== null && declared > limitBytes) {
      discardRest(req);
      reject(new ProxyError('body_too_large'));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;

    const stop = (): void => {
      watch.stop();
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      watch.progress(chunk.length);
      if (size > limitBytes) {
        stop();
        chunks.length = 0;
        discardRest(req);
        reject(new ProxyError('body_too_large'));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      stop();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (err: Error): void => {
      stop();
      discardRest(req);
      reject(new ProxyError('request_aborted', undefined, { cause: err }));
    };
    // 'close' before 'end' means the client went away mid-body (no 'error' is guaranteed then).
    const onClose = (): void => {
      stop();
      reject(new ProxyError('request_aborted'));
    };

    const watch = watchUpload(req, stallMs, () => {
      stop();
      chunks.length = 0;
      discardRest(req);
      reject(new ProxyError('request_body_timeout'));
    });
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

/**
 * The request body as a stream that errors with ProxyError('body_too_large') once more than
 * `limitBytes` have passed (or at once when Content-Length says so), for bodies forwarded without
 * buffering such as multipart uploads. Hand it to `forward` as `plan.body`: undici aborts the
 * upstream request with this error and `forward` answers 413 (408 `request_body_timeout` when the
 * upload stalls for `stallMs`; time the upstream makes it wait does not count).
 */
export function limitStream(req: IncomingMessage, limitBytes: number, stallMs = 0): Readable {
  let size = 0;
  const limited = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      watch.progress(chunk.length);
      if (size > limitBytes) {
        refuse();
        return;
      }
      callback(null, chunk);
    },
  });

  const refuse = (code: 'body_too_large' | 'request_body_timeout' = 'body_too_large'): void => {
    watch.stop();
    req.unpipe(limited);
    discardRest(req);
    limited.destroy(new ProxyError(code));
  };
  const watch = watchUpload(req, stallMs, () => refuse('request_body_timeout'));
  limited.once('close', () => watch.stop());
  req.once('end', () => watch.stop());
  const onClientGone = (err?: Error): void => {
    watch.stop();
    if (req.complete) return;
    limited.destroy(new ProxyError('request_aborted', undefined, err ? { cause: err } : undefined));
  };

  const declared = declaredLength(req);
  if (declared !== null && declared > limitBytes) {
    // Destroy on the next tick, so the caller has attached its 'error' listener (or handed the stream on).
    process.nextTick(() => refuse());
    return limited;
  }
  req.on('error', onClientGone);
  req.on('close', () => onClientGone());
  req.pipe(limited);
  return limited;
}
