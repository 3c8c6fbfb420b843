// Finds one top-level member of a JSON object as its bytes pass, in constant memory: for answers too
// big to buffer and parse (a large embeddings list), where the `usage` object sits at the end. Only
// the member's own value is kept (bounded); everything else is skipped byte by byte, tracking strings,
// escapes and nesting depth, so a "usage" inside a string or a nested object is never mistaken for it.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

export interface JsonValueScanner {
  write(chunk: Buffer): void;
  /** The raw text of the member's value (the last one, if repeated), or null when none was complete. */
  value(): string | null;
}

/** Scans for the top-level member `name` (ASCII, no escapes); its value is dropped past `maxValueBytes`. */
export function scanTopLevelMember(name: string, maxValueBytes: number): JsonValueScanner {
  const target = Buffer.from(name, 'utf8');
  let depth = 0;
  let inString = false;
  let escaped = false;
  /** At depth 1, between `{`/`,` and `:`: the next string is a member name. */
  let expectName = false;
  let readingName = false;
  let namePos = 0;
  let nameMismatch = false;
  let nameMatched = false;
  let capturing = false;
  let captured: Buffer[] = [];
  let capturedBytes = 0;
  let found: string | null = null;

  const keep = (part: Buffer): void => {
    if (!capturing) return;
    capturedBytes += part.length;
    if (capturedBytes > maxValueBytes) {
      capturing = false;
      captured = [];
      return;
    }
    captured.push(Buffer.from(part)); // copied: the chunk goes on to the client
  };
  const finish = (): void => {
    if (!capturing) return;
    capturing = false;
    found = Buffer.concat(captured, capturedBytes).toString('utf8');
    captured = [];
  };

  return {
    write(chunk) {
      let from = capturing ? 0 : -1;
      for (let i = 0; i < chunk.length; i++) {
        const c = chunk[i]!;
        if (inString) {
          if (escaped) escaped = false;
          else if (c === BACKSLASH) {
            escaped = true;
            if (readingName) nameMismatch = true;
          } else if (c === QUOTE) {
            inString = false;
            if (readingName) {
              readingName = false;
              nameMatched = !nameMismatch && namePos === target.length;
            }
          } else if (readingName) {
            if (namePos >= target.length || target[namePos] !== c) nameMismatch = true;
            namePos++;
          }
          continue;
        }
        if (c === QUOTE) {
          inString = true;
          if (depth === 1 && expectName) {
            readingName = true;
            namePos = 0;
            nameMismatch = false;
          }
        } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
          depth++;
          if (depth === 1) expectName = c === OPEN_OBJECT;
        } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
          if (depth === 1 && capturing) {
            keep(chunk.subarray(from, i));
            finish();
          }
          depth--;
        } else if (depth === 1 && c === COMMA) {
          if (capturing) {
            keep(chunk.subarray(from, i));
            finish();
          }
          expectName = true;
        } else if (depth === 1 && c === COLON && expectName) {
          expectName = false;
          if (nameMatched) {
            nameMatched = false;
            capturing = true;
            captured = [];
            capturedBytes = 0;
            from = i + 1;
          }
        }
      }
      if (capturing) keep(chunk.subarray(from));
    },
    value: () => found,
  };
}
