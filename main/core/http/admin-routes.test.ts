// /admin serves the built screens with strict headers, never a file outside the assets folder.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_CSP, RENDERER_ASSETS_DIR, registerAdminRoutes } from './admin-routes.ts';

let tmp: string;
let assetsDir: string;
let app: FastifyInstance;
let base: string;

async function serve(dir: string): Promise<void> {
  app = Fastify();
  registerAdminRoutes(app, { assetsDir: dir });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}

/** A raw request, so the path reaches the server exactly as written (no client-side `..` folding). */
function get(rawPath: string, method = 'GET'): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, method, path: rawPath }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function getRaw(rawPath: string, headers: http.OutgoingHttpHeaders): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, path: rawPath, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'llmp-admin-'));
  assetsDir = path.join(tmp, 'renderer');
  fs.mkdirSync(path.join(assetsDir, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(assetsDir, 'index.html'), '<!doctype html><title>LLM Proxy</title>');
  fs.writeFileSync(path.join(assetsDir, 'assets', 'index-abc123.js'), 'console.log(1)');
  fs.writeFileSync(path.join(assetsDir, 'assets', 'index-abc123.css'), 'body{}');
  fs.writeFileSync(path.join(assetsDir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  fs.writeFileSync(path.join(assetsDir, '.env'), 'SECRET=1');
  fs.writeFileSync(path.join(tmp, 'secret.txt'), 'outside');
});

afterEach(async () => {
  await app?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('admin screens', () => {
  it('redirects /admin to /admin/ so relative asset URLs resolve', async () => {
    await serve(assetsDir);
    const res = await get('/admin?x=1');
    expect(res.status).toBe(308);
    expect(res.headers.location).toBe('/admin/?x=1');
    expect(res.headers['content-security-policy']).toBe(ADMIN_CSP);
  });

  it('serves index.html uncached with the security headers', async () => {
    await serve(assetsDir);
    for (const p of ['/admin/', '/admin/index.html']) {
      const res = await get(p);
      expect(res.status).toBe(200);
      expect(res.body).toContain('<title>LLM Proxy</title>');
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['content-security-policy']).toBe(ADMIN_CSP);
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
    }
  });

  it('caches hashed assets for a year and other files not at all', async () => {
    await serve(assetsDir);
    const js = await get('/admin/assets/index-abc123.js');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(js.headers['x-frame-options']).toBe('DENY');
    const css = await get('/admin/assets/index-abc123.css');
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    const icon = await get('/admin/favicon.svg');
    expect(icon.headers['content-type']).toBe('image/svg+xml');
    expect(icon.headers['cache-control']).toBe('no-cache');
  });

  it('sends text files as br or gzip per Accept-Encoding, compressed once, still immutable', async () => {
    const script = 'export const screens = ' + JSON.stringify(Array.from({ length: 400 }, (_, i) => ({ id: i, label: `row ${i}` }))) + ';\n';
    fs.writeFileSync(path.join(assetsDir, 'assets', 'big-abc123.js'), script);
    await serve(assetsDir);
    const br = await getRaw('/admin/assets/big-abc123.js', { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toBe('Accept-Encoding');
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(br.body.length).toBeLessThan(script.length / 3);
    expect(zlib.brotliDecompressSync(br.body).toString()).toBe(script);
    const gzip = await getRaw('/admin/assets/big-abc123.js', { 'accept-encoding': 'br;q=0, gzip' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(zlib.gunzipSync(gzip.body).toString()).toBe(script);
    const plain = await getRaw('/admin/assets/big-abc123.js', {});
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toBe('Accept-Encoding');
    expect(plain.body.toString()).toBe(script);
    // A file replaced on disk (same name) is compressed again, never served stale.
    fs.writeFileSync(path.join(assetsDir, 'assets', 'big-abc123.js'), script.replace('row 1"', 'row one"'));
    fs.utimesSync(path.join(assetsDir, 'assets', 'big-abc123.js'), new Date(), new Date(Date.now() + 5000));
    const again = await getRaw('/admin/assets/big-abc123.js', { 'accept-encoding': 'br' });
    expect(zlib.brotliDecompressSync(again.body).toString()).toContain('row one"');
  });

  it('leaves small files and images as they are', async () => {
    fs.writeFileSync(path.join(assetsDir, 'assets', 'logo-abc123.png'), Buffer.alloc(4096, 7));
    await serve(assetsDir);
    const small = await getRaw('/admin/assets/index-abc123.js', { 'accept-encoding': 'br, gzip' });
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(small.body.toString()).toBe('console.log(1)');
    const png = await getRaw('/admin/assets/logo-abc123.png', { 'accept-encoding': 'br, gzip' });
    expect(png.headers['content-encoding']).toBeUndefined();
    expect(png.headers.vary).toBeUndefined();
    expect(png.body.length).toBe(4096);
  });

  it('answers HEAD like GET without a body', async () => {
    await serve(assetsDir);
    const res = await get('/admin/assets/index-abc123.js', 'HEAD');
    expect(res.status).toBe(200);
    expect(res.body).toBe('');
  });

  it('answers unknown files with a JSON 404 that still carries the headers', async () => {
    await serve(assetsDir);
    const res = await get('/admin/assets/missing.js');
    expect(res.status).toBe(404);
    expect(JSON.parse(res.body)).toMatchObject({ code: 'not_found' });
    expect(res.headers['content-security-policy']).toBe(ADMIN_CSP);
  });

  it.each([
    '/admin/../secret.txt',
    '/admin/%2e%2e/secret.txt',
    '/admin/assets/..%2f..%2fsecret.txt',
    '/admin/%2e%2e%2fsecret.txt',
    '/admin/..%5csecret.txt',
    '/admin/assets/%2e%2e/%2e%2e/secret.txt',
    '/admin//etc/passwd',
    '/admin/%2fetc%2fpasswd',
    '/admin/index.html%00.js',
    '/admin/.env',
    '/admin/assets/',
  ])('never serves a file outside the assets folder: %s', async (p) => {
    await serve(assetsDir);
    const res = await get(p);
    expect(res.body).not.toContain('outside');
    expect(res.body).not.toContain('root:');
    expect(res.body).not.toContain('SECRET');
    expect([400, 404]).toContain(res.status);
  });

  it('does not follow a symlink that leads out of the folder', async () => {
    fs.symlinkSync(path.join(tmp, 'secret.txt'), path.join(assetsDir, 'assets', 'link.js'));
    await serve(assetsDir);
    const res = await get('/admin/assets/link.js');
    expect(res.status).toBe(404);
    expect(res.body).not.toContain('outside');
  });

  it('says how to build the screens when they are missing', async () => {
    await serve(path.join(tmp, 'not-built'));
    for (const p of ['/admin', '/admin/', '/admin/assets/index.js']) {
      const res = await get(p);
      expect(res.status).toBe(503);
      expect(JSON.parse(res.body)).toEqual({ error: 'The admin screens are not built: run npm run build:renderer', code: 'admin_not_built' });
      expect(res.headers['content-security-policy']).toBe(ADMIN_CSP);
    }
  });

  it('finds the built screens relative to the repository, not the working directory', () => {
    expect(RENDERER_ASSETS_DIR).toBe(path.resolve(import.meta.dirname, '../../../dist/renderer') + path.sep);
  });
});
