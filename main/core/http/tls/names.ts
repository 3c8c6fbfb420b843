// The names the local certificate covers: always the loopback names; when the server listens beyond
// loopback, also this machine's host name and LAN addresses, so https://<laptop>.local:8484 verifies.
import net from 'node:net';
import os from 'node:os';

const LOOPBACK = ['localhost', '127.0.0.1', '::1'];
const WILDCARD_BINDS = new Set(['0.0.0.0', '::', '[::]']);
const DNS_NAME = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

interface Machine {
  hostname: string;
  interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]>;
}

const thisMachine = (): Machine => ({ hostname: os.hostname(), interfaces: os.networkInterfaces() });

export function certificateNames(bindHost: string, allowedHosts: readonly string[], machine: Machine = thisMachine()): string[] {
  const names: string[] = [...LOOPBACK];
  const bind = unbracket(bindHost);
  if (!isLoopbackHost(bindHost)) {
    const host = machine.hostname.toLowerCase();
    if (DNS_NAME.test(host)) names.push(host, ...(host.includes('.') ? [] : [`${host}.local`]));
    for (const infos of Object.values(machine.interfaces)) {
      for (const info of infos ?? []) {
        // Link-local IPv6 addresses need a zone id, which a URL (and a certificate) cannot carry.
        if (!info.internal && !(info.family === 'IPv6' && info.address.toLowerCase().startsWith('fe80:'))) names.push(info.address);
      }
    }
    if (!WILDCARD_BINDS.has(bindHost)) names.push(bind);
  }
  for (const host of allowedHosts) names.push(unbracket(host));
  return dedupe(names.map((n) => n.toLowerCase()).filter((n) => net.isIP(n) !== 0 || DNS_NAME.test(n)));
}

/** 127.0.0.0/8, ::1 (also as ::ffff:127.x) and `localhost`: only this machine can connect. */
export function isLoopbackHost(host: string): boolean {
  const bare = unbracket(host).toLowerCase();
  if (bare === 'localhost' || bare.endsWith('.localhost')) return true;
  if (net.isIPv4(bare)) return bare.startsWith('127.');
  if (net.isIPv6(bare)) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(bare);
    if (mapped) return mapped[1]!.startsWith('127.');
    return new URL(`http://[${bare}]`).hostname === '[::1]';
  }
  return false;
}

/** Names as a certificate and a URL compare them: lower case, IPv6 in its shortest form. */
export function canonicalName(name: string): string {
  const bare = unbracket(name).toLowerCase();
  return net.isIPv6(bare) ? unbracket(new URL(`http://[${bare}]`).hostname) : bare;
}

function unbracket(host: string): string {
  return host.replace(/^\[(.*)\]$/, '$1');
}

function dedupe(names: string[]): string[] {
  const seen = new Set<string>();
  return names.filter((n) => {
    const key = canonicalName(n);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
