// One path string for routing, auth, allow-lists, audit and forwarding: a request target that could be
// read two ways is refused before anything else looks at it. Routers decode `%XX`, collapse or keep
// `//`, resolve `..`, or accept absolute-form targets; a check on the raw string and a route chosen from
// the decoded one disagree exactly where an attacker wants them to (`/%6danage` is `/manage` to the
// router and not to a prefix check). So only the canonical spelling of a path is accepted.

export interface TargetRefusal {
  code: 'invalid_request_target';
  message: string;
}

/** Characters that never need encoding (RFC 3986 §2.3): encoding one is only ever a disguise. */
const UNRESERVED = /[A-Za-z0-9\-._~]/;
/** Encoded characters that change how a path splits into segments, or that files and routers treat specially. */
const SEPARATORS = new Set(['2f', '5c', '00', '25', '3f', '23']);

/**
 * Null when `url` (the request line's target, e.g. `/v1/chat/completions?x=1`) is canonical; else why not.
 * Refused: absolute-form and asterisk targets, backslashes, empty segments (`//`), dot segments (`.`, `..`,
 * also encoded), encoded unreserved characters, encoded separators and malformed escapes.
 */
export function refuseNonCanonicalTarget(url: string): TargetRefusal | null {
  if (!url.startsWith('/')) return refusal('The request target must be a path starting with "/" (absolute-form targets are not served)');
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  if (path.includes('\\')) return refusal('Backslashes are not allowed in the path');
  if (path.includes('%')) {
    const bad = badEscape(path);
    if (bad) return refusal(bad);
  }
  const segments = path.split('/');
  // segments[0] is the empty string before the leading slash; a trailing slash leaves one empty segment.
  for (let i = 1; i < segments.length; i++) {
    const segment = segments[i]!;
    if (segment === '' && i !== segments.length - 1) return refusal('Empty path segments ("//") are not allowed');
    if (segment === '.' || segment === '..') return refusal('Dot segments ("." and "..") are not allowed in the path');
  }
  return null;
}

function badEscape(path: string): string | null {
  for (let i = path.indexOf('%'); i !== -1; i = path.indexOf('%', i + 1)) {
    const hex = path.slice(i + 1, i + 3);
    if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return 'The path has a malformed percent-escape';
    const lower = hex.toLowerCase();
    if (SEPARATORS.has(lower)) return 'Encoded slashes, backslashes, "%", "?", "#" and NUL are not allowed in the path';
    const byte = parseInt(hex, 16);
    if (byte < 0x80 && UNRESERVED.test(String.fromCharCode(byte))) return 'Letters, digits and "-._~" must not be percent-encoded in the path';
  }
  return null;
}

function refusal(message: string): TargetRefusal {
  return { code: 'invalid_request_target', message };
}
