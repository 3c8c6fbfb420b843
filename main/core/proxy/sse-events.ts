// A byte-level Server-Sent Events parser that only watches a stream go by: it is fed the chunks
// exactly as they leave the proxy and calls back with each event's data. Chunks may split anywhere,
// inside a line, inside a UTF-8 character or between the \r and \n of a CRLF.

const LF = 0x0a;
const CR = 0x0d;

export interface SseEventParser {
  write(chunk: Buffer): void;
  /** Flushes a last line or event the stream did not terminate. */
  end(): void;
}

/**
 * `onData` receives each event's data (its `data:` lines joined by "\n"). Events with no data are
 * skipped, as the SSE spec says. A single line longer than `maxLineBytes` is dropped, so a broken
 * upstream cannot make the parser hold an unbounded amount of memory.
 */
export function createSseEventParser(onData: (data: string) => void, maxLineBytes = 8 * 1024 * 1024): SseEventParser {
  let partial: Buffer[] = []; // bytes of the line not yet terminated
  let partialBytes = 0;
  let overlong = false; // the current line went over maxLineBytes: drop it when it ends
  let skipLeadingLf = false; // the last chunk ended in \r: a \n opening the next belongs to it
  let dataLines: string[] = [];

  const dispatch = (): void => {
    if (dataLines.length > 0) onData(dataLines.join('\n'));
    dataLines = [];
  };

  const onLine = (line: string): void => {
    if (line === '') {
      dispatch();
      return;
    }
    if (line.startsWith(':')) return; // comment / keep-alive
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    if (field !== 'data') return; // `event:`, `id:`, `retry:` do not matter for reading usage
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    dataLines.push(value);
  };

  const finishLine = (tail: Buffer): void => {
    const dropped = overlong || partialBytes + tail.length > maxLineBytes;
    const line = dropped || partial.length === 0 ? tail : Buffer.concat([...partial, tail], partialBytes + tail.length);
    partial = [];
    partialBytes = 0;
    overlong = false;
    // A complete line is whole UTF-8: \r and \n never occur inside a multi-byte character.
    if (!dropped) onLine(line.toString('utf8'));
  };

  const keepPartial = (piece: Buffer): void => {
    if (piece.length === 0 || overlong) return;
    if (partialBytes + piece.length > maxLineBytes) {
      overlong = true;
      partial = [];
      partialBytes = 0;
      return;
    }
    // Copy: the caller's chunk is handed on to the client and may be reused.
    partial.push(Buffer.from(piece));
    partialBytes += piece.length;
  };

  return {
    write(chunk: Buffer): void {
      let start = 0;
      if (skipLeadingLf && chunk.length > 0 && chunk[0] === LF) start = 1;
      if (chunk.length > 0) skipLeadingLf = false;
      // Remember where the next \n and \r are so each search runs over the chunk once.
      let nextLf = chunk.indexOf(LF, start);
      let nextCr = chunk.indexOf(CR, start);
      while (start < chunk.length) {
        if (nextLf !== -1 && nextLf < start) nextLf = chunk.indexOf(LF, start);
        if (nextCr !== -1 && nextCr < start) nextCr = chunk.indexOf(CR, start);
        const end = nextLf === -1 ? nextCr : nextCr === -1 ? nextLf : Math.min(nextLf, nextCr);
        if (end === -1) {
          keepPartial(chunk.subarray(start));
          return;
        }
        finishLine(chunk.subarray(start, end));
        start = end + 1;
        if (chunk[end] === CR) {
          if (start === chunk.length) skipLeadingLf = true;
          else if (chunk[start] === LF) start += 1;
        }
      }
    },
    end(): void {
      if (partialBytes > 0 || overlong) finishLine(Buffer.alloc(0));
      // The spec discards an unterminated last event; we keep it, because a stream cut right after
      // its usage chunk still used those tokens.
      dispatch();
    },
  };
}
