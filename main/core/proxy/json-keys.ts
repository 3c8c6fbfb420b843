// A JSON object with the same key twice is read differently by different parsers (JSON.parse keeps the
// last, some servers the first), so the model the allow-list judged might not be the model the upstream
// runs. The body has already been parsed; this only walks the text for a repeated top-level key.
// Iterative, so a deeply nested body cannot overflow the stack.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;

/** The first top-level key that appears twice in `text` (valid JSON whose value is an object), or null. */
export function repeatedTopLevelKey(text: string): string | null {
  const seen = new Set<string>();
  let depth = 0;
  let keyNext = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = closingQuote(text, i);
      if (depth === 1 && keyNext) {
        const raw = text.slice(i + 1, end);
        // `"mod\u0065l"` is the key `model`: compare keys as JSON reads them.
        const key = raw.includes('\\') ? (JSON.parse(text.slice(i, end + 1)) as string) : raw;
        if (seen.has(key)) return key;
        seen.add(key);
        keyNext = false;
      }
      i = end;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      depth++;
      if (depth === 1) keyNext = true;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) depth--;
    else if (c === COMMA && depth === 1) keyNext = true;
  }
  return null;
}

function closingQuote(text: string, open: number): number {
  let from = open + 1;
  for (;;) {
    const quote = text.indexOf('"', from);
    if (quote === -1) return text.length;
    let backslashes = 0;
    for (let j = quote - 1; text.charCodeAt(j) === BACKSLASH; j--) backslashes++;
    if (backslashes % 2 === 0) return quote;
    from = quote + 1;
  }
}
