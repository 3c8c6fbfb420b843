import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { rendererFileFor, rendererResponse } from './renderer-protocol.ts';

let root: string;
beforeAll(() => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'llmp-protocol-'));
  root = path.join(base, 'renderer');
  fs.mkdirSync(path.join(root, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>LLM Proxy</title>');
  fs.writeFileSync(path.join(root, 'assets', 'index-abc.js'), 'console.log(1)');
  fs.writeFileSync(path.join(base, 'data-key'), 'outside the renderer folder');
});

describe('app:// protocol', () => {
  it('serves index.html for the root, with the admin CSP', async () => {
    const res = await rendererResponse(root, 'app://llm-proxy/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toContain('<title>LLM Proxy</title>');
  });

  it('serves assets with their type', async () => {
    const res = await rendererResponse(root, 'app://llm-proxy/assets/index-abc.js');
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  it.each([
    'app://llm-proxy/../data-key',
    'app://llm-proxy/%2e%2e/data-key',
    'app://llm-proxy/assets/..%2f..%2fdata-key',
    'app://llm-proxy/..%5cdata-key',
    'app://llm-proxy/%00index.html',
    'app://other-host/index.html',
    'https://llm-proxy/index.html',
    'app://llm-proxy/missing.js',
    'app://llm-proxy/%E0%A4%A',
  ])('404 for %s', async (url) => {
    const res = await rendererResponse(root, url);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('outside');
  });

  it('refuses writes', async () => {
    expect((await rendererResponse(root, 'app://llm-proxy/index.html', 'POST')).status).toBe(405);
  });

  it('maps only into the renderer folder', () => {
    expect(rendererFileFor(root, 'app://llm-proxy/index.html')).toBe(path.join(root, 'index.html'));
    expect(rendererFileFor(root, 'app://llm-proxy/../../etc/passwd')).toBe(path.join(root, 'etc', 'passwd'));
  });
});
