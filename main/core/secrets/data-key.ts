// Where the data key comes from headless: LLM_PROXY_ENCRYPTION_KEY, or a key file (mode 0600) created on
// first run in the data folder. The desktop shell seals this file with the OS keychain instead.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../errors.ts';

export const DATA_KEY_FILE = 'data-key';

/** Accepts 32 bytes written as base64 (with or without padding, standard or url-safe) or as 64 hex digits. */
export function parseDataKey(text: string): Buffer {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)) {
    const key = Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (key.length === 32) return key;
  }
  throw new AppError(
    'encryption_key_invalid',
    'The encryption key must be 32 bytes written as base64 or 64 hex digits (for example: openssl rand -base64 32).',
  );
}

export function loadDataKey(opts: { encryptionKey: string | undefined; dataDir: string }): { key: Buffer; source: 'env' | 'file' | 'generated' } {
  if (opts.encryptionKey) return { key: parseDataKey(opts.encryptionKey), source: 'env' };
  const file = path.join(opts.dataDir, DATA_KEY_FILE);
  const existing = readSecretFile(file);
  if (existing !== null) return { key: parseDataKey(existing), source: 'file' };
  const key = randomBytes(32);
  const created = writeSecretFileOnce(file, key.toString('base64') + '\n');
  // Another process may have won the race to create it: use theirs.
  return created ? { key, source: 'generated' } : { key: parseDataKey(readSecretFile(file) ?? ''), source: 'file' };
}

export function readSecretFile(file: string): string | null {
  try {
    const text = fs.readFileSync(file, 'utf8');
    // Tighten a file someone loosened by hand; the secret stays readable only to its owner.
    if (process.platform !== 'win32' && (fs.statSync(file).mode & 0o077) !== 0) fs.chmodSync(file, 0o600);
    return text;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** Creates the file with mode 0600 only if it does not exist yet; false when it already existed. */
export function writeSecretFileOnce(file: string, content: string): boolean {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    fs.writeFileSync(file, content, { flag: 'wx', mode: 0o600 });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}
