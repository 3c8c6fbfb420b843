import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSealer } from './sealer.ts';
import { loadDataKey, parseDataKey } from './data-key.ts';

describe('sealer', () => {
  const sealer = createSealer(randomBytes(32));

  it('round-trips and never contains the plaintext', () => {
    const sealed = sealer.seal('sk-live-abcdef123456', 'project-1');
    expect(sealed).not.toContain('sk-live');
    expect(sealer.open(sealed, 'project-1')).toBe('sk-live-abcdef123456');
  });

  it('refuses a sealed key moved to another project', () => {
    const sealed = sealer.seal('sk-a', 'project-1');
    expect(() => sealer.open(sealed, 'project-2')).toThrow(expect.objectContaining({ code: 'decryption_failed' }));
  });

  it('refuses a value sealed under another data key', () => {
    const sealed = createSealer(randomBytes(32)).seal('sk-a', 'p');
    expect(() => sealer.open(sealed, 'p')).toThrow(expect.objectContaining({ code: 'decryption_failed' }));
  });

  it('detects tampering', () => {
    const sealed = sealer.seal('sk-a', 'p');
    const parts = sealed.split('.');
    parts[2] = Buffer.from('sk-b').toString('base64url');
    expect(() => sealer.open(parts.join('.'), 'p')).toThrow(expect.objectContaining({ code: 'decryption_failed' }));
  });
});

describe('data key', () => {
  it('accepts base64 and hex of 32 bytes, refuses anything else without echoing it', () => {
    const key = randomBytes(32);
    expect(parseDataKey(key.toString('base64')).equals(key)).toBe(true);
    expect(parseDataKey(key.toString('hex')).equals(key)).toBe(true);
    expect(parseDataKey(key.toString('base64url')).equals(key)).toBe(true);
    let message = '';
    try {
      parseDataKey('hunter2-not-a-key');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/32 bytes/);
    expect(message).not.toContain('hunter2');
  });

  it('creates a 0600 key file once and reuses it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmp-key-'));
    const first = loadDataKey({ encryptionKey: undefined, dataDir: dir });
    expect(first.source).toBe('generated');
    const mode = fs.statSync(path.join(dir, 'data-key')).mode & 0o777;
    if (process.platform !== 'win32') expect(mode).toBe(0o600);
    const second = loadDataKey({ encryptionKey: undefined, dataDir: dir });
    expect(second.source).toBe('file');
    expect(second.key.equals(first.key)).toBe(true);
  });
});
