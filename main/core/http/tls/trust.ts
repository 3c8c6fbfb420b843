// The exact commands that make a client trust the local CA, per platform. Shown by `llm-proxy tls
// status`, in system.info for the Settings screen, and explained in this folder's README.

export interface TrustCommands {
  /** macOS: the System keychain, for every user and every app that uses the system store. */
  macos: string;
  /** Windows: the current user's Trusted Root store (no administrator needed; Windows asks to confirm). */
  windows: string;
  /** Debian / Ubuntu; the README lists Fedora, Arch and Firefox. */
  linux: string;
  /** Node-based tools (the openai SDK for Node, this CLI): trusted in addition to the bundled roots. */
  node: string;
}

export function trustCommands(caPath: string): TrustCommands {
  const q = `"${caPath}"`;
  return {
    macos: `sudo security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain ${q}`,
    windows: `certutil -user -addstore Root ${q}`,
    linux: `sudo cp ${q} /usr/local/share/ca-certificates/llm-proxy-local-ca.crt && sudo update-ca-certificates`,
    node: `export NODE_EXTRA_CA_CERTS=${q}`,
  };
}
