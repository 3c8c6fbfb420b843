// The data key (it encrypts the upstream API keys in the database) sealed by the OS keychain through
// Electron's safeStorage, in <data-dir>/data-key.sealed. A plain key file left by the headless server is
// moved into the keychain. Where the OS offers no real encryption (Linux without a secret service:
// the `basic_text` backend) the user is asked before the key is kept in a 0600 file; never silently.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DATA_KEY_FILE, loadDataKey, parseDataKey, readSecretFile } from '../core/secrets/data-key.ts';
import type { LoadedDataKey } from '../core/secrets/data-key-port.ts';
import { AppError } from '../core/errors.ts';
import { ShellError } from './shell-errors.ts';

export const SEALED_DATA_KEY_FILE = 'data-key.sealed';
const FORMAT_VERSION = 1;

/** Electron's safeStorage satisfies this (async API, Electron 40+). */
export interface SafeStoragePort {
  isAsyncEncryptionAvailable(): Promise<boolean>;
  encryptStringAsync(plainText: string): Promise<Buffer>;
  decryptStringAsync(encrypted: Buffer): Promise<{ shouldReEncrypt: boolean; result: string }>;
  /** Linux only: which secret store backs the encryption. */
  getSelectedStorageBackend(): string;
}

/** Why the keychain cannot protect the key. */
export type WeakStorageReason = 'basic_text' | 'unavailable';

export interface DesktopDataKeyOptions {
  dataDir: string;
  safeStorage: SafeStoragePort;
  platform: NodeJS.Platform;
  /** LLM_PROXY_ENCRYPTION_KEY (or the config file): an explicit key wins and is not stored. */
  encryptionKey?: string | undefined;
  /** Asks the user whether to continue with the key in a plain 0600 file; false quits. */
  confirmPlainKeyFile(reason: WeakStorageReason): Promise<boolean>;
}

export interface DesktopDataKey extends LoadedDataKey {
  /** A plain key file was moved into the keychain during this load. */
  migrated: boolean;
}

export async function loadDesktopDataKey(opts: DesktopDataKeyOptions): Promise<DesktopDataKey> {
  if (opts.encryptionKey) return { key: parseDataKey(opts.encryptionKey), source: 'env', migrated: false };

  const sealedFile = path.join(opts.dataDir, SEALED_DATA_KEY_FILE);
  const plainFile = path.join(opts.dataDir, DATA_KEY_FILE);
  const weakness = await keychainWeakness(opts.safeStorage, opts.platform);
  const sealedText = readSecretFile(sealedFile);

  if (sealedText !== null) {
    const key = await openSealedKey(opts.safeStorage, sealedFile, sealedText, weakness);
    removeLeftoverPlainCopy(plainFile, key);
    return { key, source: 'keychain', migrated: false };
  }

  if (weakness) {
    if (!(await opts.confirmPlainKeyFile(weakness))) {
      throw new ShellError('key_storage_declined', 'LLM Proxy stopped: the OS keychain is not available and keeping the key in a file was declined.');
    }
    const loaded = loadDataKey({ encryptionKey: undefined, dataDir: opts.dataDir });
    return { ...loaded, migrated: false };
  }

  const plainText = readSecretFile(plainFile);
  const key = plainText !== null ? parseDataKey(plainText) : randomBytes(32);
  await writeSealedKey(opts.safeStorage, sealedFile, key);
  // Only once the sealed copy is on disk and opens again does the plain file go.
  const check = await openSealedKey(opts.safeStorage, sealedFile, readSecretFile(sealedFile) ?? '', null);
  if (!check.equals(key))
    throw new AppError('decryption_failed', 'The OS keychain returned a different key than it was given; the key file was left as it was.');
  if (plainText !== null) fs.rmSync(plainFile, { force: true });
  return { key, source: plainText !== null ? 'keychain' : 'generated', migrated: plainText !== null };
}

/** A plain copy of the same key next to a working sealed one is left by an interrupted move: remove it. */
function removeLeftoverPlainCopy(plainFile: string, key: Buffer): void {
  const text = readSecretFile(plainFile);
  if (text === null) return;
  try {
    if (parseDataKey(text).equals(key)) fs.rmSync(plainFile, { force: true });
  } catch {
    // Not a key we know: leave the file alone.
  }
}

/** null when the keychain gives real protection. */
export async function keychainWeakness(safeStorage: SafeStoragePort, platform: NodeJS.Platform): Promise<WeakStorageReason | null> {
  if (!(await safeStorage.isAsyncEncryptionAvailable())) return 'unavailable';
  if (platform === 'linux') {
    const backend = safeStorage.getSelectedStorageBackend();
    // basic_text encrypts with a key built into Chromium; 'unknown' means it was asked before ready.
    if (backend === 'basic_text' || backend === 'unknown') return 'basic_text';
  }
  return null;
}

async function openSealedKey(safeStorage: SafeStoragePort, file: string, text: string, weakness: WeakStorageReason | null): Promise<Buffer> {
  let sealed: Buffer;
  try {
    const parsed = JSON.parse(text) as { version?: unknown; sealed?: unknown };
    if (parsed.version !== FORMAT_VERSION || typeof parsed.sealed !== 'string') throw new Error('unknown format');
    sealed = Buffer.from(parsed.sealed, 'base64');
  } catch {
    throw new AppError('decryption_failed', `The sealed data key ${file} is damaged. Restore it from a backup, or set LLM_PROXY_ENCRYPTION_KEY to the key.`);
  }
  let opened: { shouldReEncrypt: boolean; result: string };
  try {
    opened = await safeStorage.decryptStringAsync(sealed);
  } catch {
    const hint = weakness ? ' The OS keychain is not available right now (on Linux: is the secret service or KWallet running?).' : '';
    throw new AppError(
      'decryption_failed',
      `The OS keychain could not open the data key in ${file}, so stored upstream keys cannot be used.${hint} Nothing was changed; set LLM_PROXY_ENCRYPTION_KEY if you have a copy of the key.`,
    );
  }
  const key = parseDataKey(opened.result);
  if (opened.shouldReEncrypt) await writeSealedKey(safeStorage, file, key);
  return key;
}

/** Written to a temporary file and renamed, so a crash never leaves half a sealed key. */
async function writeSealedKey(safeStorage: SafeStoragePort, file: string, key: Buffer): Promise<void> {
  const sealed = await safeStorage.encryptStringAsync(key.toString('base64'));
  const body = JSON.stringify({ version: FORMAT_VERSION, sealed: sealed.toString('base64'), note: 'LLM Proxy data key, sealed by the OS keychain' });
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, body + '\n', { mode: 0o600 });
  fs.renameSync(temp, file);
}
