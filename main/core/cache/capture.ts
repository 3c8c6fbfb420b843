// Keeps a copy of an answer's body while it streams to the client, up to the object size cap: past the
// cap the copy is dropped at once (the client still gets every byte), so an over-size answer costs no
// more memory than the cap.
export class ResponseCapture {
  private chunks: Buffer[] = [];
  private size = 0;
  private overflowed = false;

  constructor(private readonly maxBytes: number) {}

  write(chunk: Buffer): void {
    if (this.overflowed) return;
    this.size += chunk.length;
    if (this.size > this.maxBytes) {
      this.overflowed = true;
      this.chunks = [];
      return;
    }
    this.chunks.push(chunk);
  }

  /** The whole body, or null when it went over the cap. */
  body(): Buffer | null {
    return this.overflowed ? null : Buffer.concat(this.chunks, this.size);
  }
}

/**
 * A stream worth replaying: it ends on an event boundary (a blank line) and carries no error event.
 * A stream cut by the upstream, or one that reported an error, is never stored.
 */
export function isCompleteEventStream(body: Buffer): boolean {
  const tail = body.subarray(Math.max(0, body.length - 4)).toString('latin1');
  if (!tail.endsWith('\n\n') && !tail.endsWith('\r\n\r\n')) return false;
  return !/(^|\n)event:\s*error\s*(\r?\n)/.test(body.toString('utf8'));
}
