import type { SafeStorage } from 'electron';
import { expect, it } from 'vitest';
import { keychainPort } from './keychain-port.ts';

it('bridges Electron 41’s synchronous safeStorage to the asynchronous port the sealing is written against', async () => {
  const calls: string[] = [];
  const sync = {
    isEncryptionAvailable: () => true,
    encryptString: (text: string) => (calls.push(`encrypt ${text}`), Buffer.from(`sealed:${text}`)),
    decryptString: (data: Buffer) => (calls.push('decrypt'), data.toString().replace('sealed:', '')),
    getSelectedStorageBackend: () => 'gnome_libsecret' as const,
  } as unknown as SafeStorage;
  const port = keychainPort(sync);
  expect(await port.isAsyncEncryptionAvailable()).toBe(true);
  const sealed = await port.encryptStringAsync('key');
  expect(await port.decryptStringAsync(sealed)).toEqual({ shouldReEncrypt: false, result: 'key' });
  expect(port.getSelectedStorageBackend()).toBe('gnome_libsecret');
  expect(calls).toEqual(['encrypt key', 'decrypt']);
});
