import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { DATA_KEY_FILE } from '../core/secrets/data-key.ts';
import { keychainWeakness, loadDesktopDataKey, SEALED_DATA_KEY_FILE, type SafeStoragePort, type WeakStorageReason } from './data-key-sealing.ts';

/** A keychain stand-in: real encryption with a key only this instance holds, like the OS keychain. */
function standInKeychain(opts: { available?: boolean; backend?: string; reEncrypt?: boolean } = {}) {
  const secret = randomBytes(32);
  const log: string[] = [];
  const port: SafeStoragePort & { log: string[] } = {
    log,
    isAsyncEncryptionAvailable: async () => opts.available ?? true,
    getSelectedStorageBackend: () => opts.backend ?? 'gnome_libsecret',
    async encryptStringAsync(text) {
      log.push('encrypt');
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', secret, iv);
      const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    async decryptStringAsync(data) {
      log.push('decrypt');
      const decipher = createDecipheriv('aes-256-gcm', secret, data.subarray(0, 12));
      decipher.setAuthTag(data.subarray(12, 28));
      const result = Buffer.concat([decipher.update(data.subarray(28)), decipher.final()]).toString('utf8');
      return { result, shouldReEncrypt: opts.reEncrypt ?? false };
    },
  };
  return port;
}

let dataDir: string;
const asked: WeakStorageReason[] = [];
const answer = (yes: boolean) => async (reason: WeakStorageReason) => {
  asked.push(reason);
  return yes;
};
const mode = (file: string) => fs.statSync(file).mode & 0o777;

beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmp-seal-'));
  asked.length = 0;
});

describe('data key sealed by the OS keychain', () => {
  it('first start: generates a key and stores it sealed only (mode 0600, no plaintext anywhere)', async () => {
    const keychain = standInKeychain();
    const loaded = await loadDesktopDataKey({ dataDir, safeStorage: keychain, platform: 'linux', confirmPlainKeyFile: answer(false) });
    expect(loaded).toMatchObject({ source: 'generated', migrated: false });
    expect(loaded.key).toHaveLength(32);
    const sealedFile = path.join(dataDir, SEALED_DATA_KEY_FILE);
    expect(fs.readdirSync(dataDir)).toEqual([SEALED_DATA_KEY_FILE]);
    if (process.platform !== 'win32') expect(mode(sealedFile)).toBe(0o600);
    const text = fs.readFileSync(sealedFile, 'utf8');
    expect(text).not.toContain(loaded.key.toString('base64'));
    expect(text).not.toContain(loaded.key.toString('hex'));
    expect(asked).toEqual([]);
  });

  it('next start: opens the same key', async () => {
    const keychain = standInKeychain();
    const first = await loadDesktopDataKey({ dataDir, safeStorage: keychain, platform: 'darwin', confirmPlainKeyFile: answer(false) });
    const second = await loadDesktopDataKey({ dataDir, safeStorage: keychain, platform: 'darwin', confirmPlainKeyFile: answer(false) });
    expect(second.source).toBe('keychain');
    expect(second.key.equals(first.key)).toBe(true);
  });

  it('moves a plain key file left by the headless server into the keychain, then deletes it', async () => {
    const key = randomBytes(32);
    fs.writeFileSync(path.join(dataDir, DATA_KEY_FILE), key.toString('base64') + '\n', { mode: 0o600 });
    const loaded = await loadDesktopDataKey({ dataDir, safeStorage: standInKeychain(), platform: 'win32', confirmPlainKeyFile: answer(false) });
    expect(loaded).toMatchObject({ source: 'keychain', migrated: true });
    expect(loaded.key.equals(key)).toBe(true);
    expect(fs.existsSync(path.join(dataDir, DATA_KEY_FILE))).toBe(false);
  });

  it('removes a plain copy left by an interrupted move once the sealed key opens', async () => {
    const keychain = standInKeychain();
    const first = await loadDesktopDataKey({ dataDir, safeStorage: keychain, platform: 'linux', confirmPlainKeyFile: answer(false) });
    fs.writeFileSync(path.join(dataDir, DATA_KEY_FILE), first.key.toString('hex'), { mode: 0o600 });
    await loadDesktopDataKey({ dataDir, safeStorage: keychain, platform: 'linux', confirmPlainKeyFile: answer(false) });
    expect(fs.existsSync(path.join(dataDir, DATA_KEY_FILE))).toBe(false);
  });

  it('re-seals when the keychain says so', async () => {
    const keychain = standInKeychain({ reEncrypt: true });
    await loadDesktopDataKey({ dataDir, safeStorage: keychain, platform: 'darwin', confirmPlainKeyFile: answer(false) });
    keychain.log.length = 0;
    await loadDesktopDataKey({ dataDir, safeStorage: keychain, platform: 'darwin', confirmPlainKeyFile: answer(false) });
    expect(keychain.log).toEqual(['decrypt', 'encrypt']);
  });

  it('a keychain that cannot open the sealed key stops with decryption_failed and changes nothing', async () => {
    await loadDesktopDataKey({ dataDir, safeStorage: standInKeychain(), platform: 'darwin', confirmPlainKeyFile: answer(false) });
    const before = fs.readFileSync(path.join(dataDir, SEALED_DATA_KEY_FILE), 'utf8');
    await expect(loadDesktopDataKey({ dataDir, safeStorage: standInKeychain(), platform: 'darwin', confirmPlainKeyFile: answer(true) })).rejects.toMatchObject({
      code: 'decryption_failed',
    });
    expect(fs.readFileSync(path.join(dataDir, SEALED_DATA_KEY_FILE), 'utf8')).toBe(before);
    expect(fs.readdirSync(dataDir)).toEqual([SEALED_DATA_KEY_FILE]);
  });

  it('a damaged sealed file is reported, not replaced', async () => {
    fs.writeFileSync(path.join(dataDir, SEALED_DATA_KEY_FILE), 'garbage', { mode: 0o600 });
    await expect(loadDesktopDataKey({ dataDir, safeStorage: standInKeychain(), platform: 'darwin', confirmPlainKeyFile: answer(true) })).rejects.toThrow(
      /damaged/,
    );
    expect(fs.readFileSync(path.join(dataDir, SEALED_DATA_KEY_FILE), 'utf8')).toBe('garbage');
  });

  it('an explicit LLM_PROXY_ENCRYPTION_KEY wins and is not stored', async () => {
    const key = randomBytes(32);
    const loaded = await loadDesktopDataKey({
      dataDir,
      safeStorage: standInKeychain(),
      platform: 'linux',
      encryptionKey: key.toString('base64'),
      confirmPlainKeyFile: answer(false),
    });
    expect(loaded).toMatchObject({ source: 'env' });
    expect(loaded.key.equals(key)).toBe(true);
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });
});

describe('no real keychain', () => {
  it('Linux basic_text backend: asks, and stores nothing when declined', async () => {
    const keychain = standInKeychain({ backend: 'basic_text' });
    await expect(loadDesktopDataKey({ dataDir, safeStorage: keychain, platform: 'linux', confirmPlainKeyFile: answer(false) })).rejects.toMatchObject({
      code: 'key_storage_declined',
    });
    expect(asked).toEqual(['basic_text']);
    expect(fs.readdirSync(dataDir)).toEqual([]);
    expect(keychain.log).toEqual([]);
  });

  it('Linux basic_text backend: with consent, the key goes to a 0600 file as headless does', async () => {
    const loaded = await loadDesktopDataKey({
      dataDir,
      safeStorage: standInKeychain({ backend: 'basic_text' }),
      platform: 'linux',
      confirmPlainKeyFile: answer(true),
    });
    expect(loaded.source).toBe('generated');
    expect(fs.readdirSync(dataDir)).toEqual([DATA_KEY_FILE]);
    if (process.platform !== 'win32') expect(mode(path.join(dataDir, DATA_KEY_FILE))).toBe(0o600);
    const again = await loadDesktopDataKey({
      dataDir,
      safeStorage: standInKeychain({ backend: 'basic_text' }),
      platform: 'linux',
      confirmPlainKeyFile: answer(true),
    });
    expect(again.key.equals(loaded.key)).toBe(true);
  });

  it('once a keychain shows up, the accepted key file moves into it', async () => {
    const plain = await loadDesktopDataKey({
      dataDir,
      safeStorage: standInKeychain({ backend: 'basic_text' }),
      platform: 'linux',
      confirmPlainKeyFile: answer(true),
    });
    const sealed = await loadDesktopDataKey({
      dataDir,
      safeStorage: standInKeychain({ backend: 'kwallet6' }),
      platform: 'linux',
      confirmPlainKeyFile: answer(false),
    });
    expect(sealed).toMatchObject({ source: 'keychain', migrated: true });
    expect(sealed.key.equals(plain.key)).toBe(true);
    expect(fs.readdirSync(dataDir)).toEqual([SEALED_DATA_KEY_FILE]);
  });

  it('encryption unavailable at all (any OS): asks with that reason', async () => {
    await expect(
      loadDesktopDataKey({ dataDir, safeStorage: standInKeychain({ available: false }), platform: 'darwin', confirmPlainKeyFile: answer(false) }),
    ).rejects.toThrow(/declined/);
    expect(asked).toEqual(['unavailable']);
  });

  it('judges the backend only on Linux', async () => {
    expect(await keychainWeakness(standInKeychain({ backend: 'basic_text' }), 'linux')).toBe('basic_text');
    expect(await keychainWeakness(standInKeychain({ backend: 'unknown' }), 'linux')).toBe('basic_text');
    expect(await keychainWeakness(standInKeychain({ backend: 'gnome_libsecret' }), 'linux')).toBeNull();
    expect(await keychainWeakness(standInKeychain({ backend: 'basic_text' }), 'darwin')).toBeNull();
  });
});
