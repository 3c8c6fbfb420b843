// AES-256-GCM sealing of upstream keys. The associated data binds a sealed key to its project id, so a
// sealed value copied onto another project's row fails to open instead of leaking across projects.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { AppError } from '../errors.ts';

const VERSION = 'v1';

export interface Sealer {
  seal(plaintext: string, associatedData: string): string;
  open(sealed: string, associatedData: string): string;
}

/** Separate subkeys per purpose, so the sealing key and the token-hashing key never coincide. */
export function deriveKey(dataKey: Buffer, purpose: 'seal' | 'token-hash'): Buffer {
  return Buffer.from(hkdfSync('sha256', dataKey, Buffer.alloc(0), `llm-proxy/${purpose}`, 32));
}

export function createSealer(dataKey: Buffer): Sealer {
  const key = deriveKey(dataKey, 'seal');
  return {
    seal(plaintext, associatedData) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(associatedData, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [VERSION, iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
    },
    open(sealed, associatedData) {
      const [version, iv, body, tag] = sealed.split('.');
      if (version !== VERSION || !iv || body === undefined || !tag) {
        throw new AppError('decryption_failed', 'A stored upstream key is in an unknown format.');
      }
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
        decipher.setAAD(Buffer.from(associatedData, 'utf8'));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
      } catch {
        throw new AppError('decryption_failed', 'A stored upstream key could not be decrypted: the encryption key differs from the one it was sealed with.');
      }
    },
  };
}
