// Serves the built admin screens (dist/renderer) at /admin with a strict CSP. The files are public; every
// API call the screens make carries the management token. Plain fs: a handful of small files, no streaming;
// text files go out as br or gzip when the client accepts it (./asset-encoding.ts).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createAssetCompressor, isCompressible, negotiateEncoding } from './asset-encoding.ts';

/** dist/renderer at the repo root, wherever the process was started from. */
export const RENDERER_ASSETS_DIR = fileURLToPath(new URL('../../../dist/renderer/', import.meta.url));

export const ADMIN_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': ADMIN_CSP,
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Vite puts content-hashed files under assets/: they never change, so they may be cached for a year. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

export interface AdminRoutesOptions {
  assetsDir: string;
}

export function registerAdminRoutes(app: FastifyInstance, opts: AdminRoutesOptions): void {
  const root = path.resolve(opts.assetsDir);
  const indexFile = path.join(root, 'index.html');

  const notBuilt = (reply: FastifyReply) =>
    reply
      .code(503)
      .headers({ ...SECURITY_HEADERS, 'cache-control': 'no-store' })
      .type('application/json')
      .send({ error: 'The admin screens are not built: run npm run build:renderer', code: 'admin_not_built' });

  const notFound = (reply: FastifyReply, req: FastifyRequest) =>
    reply
      .code(404)
      .headers({ ...SECURITY_HEADERS, 'cache-control': 'no-store' })
      .type('application/json')
      .send({ error: `No admin file at ${req.url.split('?')[0]!.slice(0, 200)}`, code: 'not_found' });

  const compressor = createAssetCompressor();
  const sendFile = async (req: FastifyRequest, reply: FastifyReply, file: string, cacheControl: string) => {
    const [body, stat] = await Promise.all([fs.promises.readFile(file), fs.promises.stat(file)]);
    const type = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
    const headers: Record<string, string> = { ...SECURITY_HEADERS, 'cache-control': cacheControl };
    let sent: Buffer = body;
    if (isCompressible(type)) {
      headers.vary = 'Accept-Encoding';
      const encoding = negotiateEncoding(req.headers['accept-encoding']);
      const encoded = encoding ? compressor.encode(file, `${stat.size}:${stat.mtimeMs}`, body, encoding) : null;
      if (encoding && encoded) {
        headers['content-encoding'] = encoding;
        sent = encoded;
      }
    }
    return reply.code(200).headers(headers).type(type).send(sent);
  };

  // The screens load their files with relative URLs (./assets/…), which only resolve under /admin/.
  const open = { config: { door: 'public' as const } };
  app.get('/admin', open, async (req, reply) => {
    if (!fs.existsSync(indexFile)) return notBuilt(reply);
    const query = req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : '';
    return reply.headers({ ...SECURITY_HEADERS, 'cache-control': 'no-store' }).redirect(`/admin/${query}`, 308);
  });

  app.get('/admin/*', open, async (req, reply) => {
    if (!fs.existsSync(indexFile)) return notBuilt(reply);
    const wanted = (req.params as { '*'?: string })['*'] ?? '';
    if (wanted === '' || wanted === 'index.html') return sendFile(req, reply, indexFile, 'no-store');
    const file = await resolveInside(root, wanted);
    if (!file) return notFound(reply, req);
    const cacheControl = wanted.startsWith('assets/') ? IMMUTABLE : 'no-cache';
    return sendFile(req, reply, file, cacheControl);
  });
}

/**
 * The real path of a regular file inside root, or null. Refuses anything that could step outside the
 * folder: `..` segments (also percent-encoded, which fastify has already decoded), backslashes, NUL,
 * absolute paths, dotfiles, and symlinks that lead out.
 */
export async function resolveInside(root: string, wanted: string): Promise<string | null> {
  if (wanted.includes('\0') || wanted.includes('\\')) return null;
  const segments = wanted.split('/');
  if (segments.some((s) => s === '..' || s === '.' || s.startsWith('.'))) return null;
  if (path.isAbsolute(wanted)) return null;
  const candidate = path.resolve(root, wanted);
  try {
    const [realRoot, realFile] = await Promise.all([fs.promises.realpath(root), fs.promises.realpath(candidate)]);
    if (!realFile.startsWith(realRoot + path.sep)) return null;
    const stat = await fs.promises.stat(realFile);
    return stat.isFile() ? realFile : null;
  } catch {
    return null;
  }
}
