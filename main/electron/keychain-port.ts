// Electron 41 is the newest Electron whose npm packages install on the Node that runs the tests (20), and
// its safeStorage has only the synchronous calls. The data-key sealing is written (and tested) against
// the asynchronous port of later Electrons; this is the one place that bridges the two.
import type { SafeStorage } from 'electron';
import type { SafeStoragePort } from './data-key-sealing.ts';

export function keychainPort(safeStorage: SafeStorage): SafeStoragePort {
  return {
    isAsyncEncryptionAvailable: async () => safeStorage.isEncryptionAvailable(),
    encryptStringAsync: async (plainText) => safeStorage.encryptString(plainText),
    // The synchronous API never asks for a re-encryption (that comes with key rotation in the async one).
    decryptStringAsync: async (encrypted) => ({ shouldReEncrypt: false, result: safeStorage.decryptString(encrypted) }),
    getSelectedStorageBackend: () => safeStorage.getSelectedStorageBackend(),
  };
}
