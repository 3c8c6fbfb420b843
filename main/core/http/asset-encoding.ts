// Content negotiation for the admin screens' files: br or gzip per Accept-Encoding (RFC 9110 §12.5.3),
// each file compressed once and kept in memory until it changes on disk (a handful of small files).
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';

export type AssetEncoding = 'br' | 'gzip';

/** Text formats only: images and fonts are compressed already. */
const COMPRESSIBLE = /^(text\/|application\/json|image\/svg\+xml)/;
/** Below this, the headers cost more than the bytes saved. */
const MIN_BYTES = 1024;

export function isCompressible(contentType: string): boolean {
  return COMPRESSIBLE.test(contentType);
}

/**
 * The best encoding the client accepts: br before gzip, `q=0` refuses, `*` stands for any not named.
 * null = send the file as it is.
 */
export function negotiateEncoding(acceptEncoding: string | string[] | undefined): AssetEncoding | null {
  const header = Array.isArray(acceptEncoding) ? acceptEncoding.join(',') : (acceptEncoding ?? '');
  const weights = new Map<string, number>();
  for (const part of header.split(',')) {
    const [rawToken, ...params] = part.toLowerCase().split(';');
    const token = rawToken?.trim();
    if (!token) continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const weight = q ? Number(q.slice(2)) : 1;
    weights.set(token, Number.isFinite(weight) ? weight : 0);
  }
  const weightOf = (name: AssetEncoding) => weights.get(name) ?? weights.get('*') ?? 0;
  let best: AssetEncoding | null = null;
  for (const name of ['br', 'gzip'] as const) {
    if (weightOf(name) > 0 && (best === null || weightOf(name) > weightOf(best))) best = name;
  }
  return best;
}

interface Compressed {
  version: string;
  bodies: Partial<Record<AssetEncoding, Buffer>>;
}

/** Compressed bodies by file, recomputed when the file's version (size + mtime) changes. */
export function createAssetCompressor() {
  const cache = new Map<string, Compressed>();
  return {
    /** The body to send in `encoding`, or null when compressing would not pay. */
    encode(file: string, version: string, body: Buffer, encoding: AssetEncoding): Buffer | null {
      if (body.length < MIN_BYTES) return null;
      let entry = cache.get(file);
      if (!entry || entry.version !== version) {
        entry = { version, bodies: {} };
        cache.set(file, entry);
      }
      entry.bodies[encoding] ??=
        encoding === 'br'
          ? brotliCompressSync(body, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: body.length } })
          : gzipSync(body, { level: 9 });
      const encoded = entry.bodies[encoding];
      return encoded.length < body.length ? encoded : null;
    },
  };
}
