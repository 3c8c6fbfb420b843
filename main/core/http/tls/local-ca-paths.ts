// Where the local CA and its server certificate live, without loading the X.509 library.
import path from 'node:path';

export interface LocalCaPaths {
  caCert: string;
  caKey: string;
  cert: string;
  key: string;
}

export function localCaPaths(dir: string): LocalCaPaths {
  return {
    caCert: path.join(dir, 'ca.pem'),
    caKey: path.join(dir, 'ca-key.pem'),
    cert: path.join(dir, 'server.pem'),
    key: path.join(dir, 'server-key.pem'),
  };
}
