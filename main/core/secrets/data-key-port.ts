// Where startApp gets the data key from, as a port: headless it is the env var or the 0600 key file; the
// desktop shell supplies a key sealed by the OS keychain (main/electron/data-key-sealing.ts).
import { loadDataKey } from './data-key.ts';

export type DataKeySource = 'env' | 'file' | 'generated' | 'keychain';

export interface LoadedDataKey {
  key: Buffer;
  source: DataKeySource;
}

export interface DataKeyPort {
  load(): Promise<LoadedDataKey>;
}

/** The headless default: LLM_PROXY_ENCRYPTION_KEY, else <data-dir>/data-key (created with mode 0600). */
export function headlessDataKeyPort(opts: { encryptionKey: string | undefined; dataDir: string }): DataKeyPort {
  return { load: async () => loadDataKey(opts) };
}
