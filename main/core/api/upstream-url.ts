// Which upstream base URLs a project may have: http(s) origins without credentials, query or fragment,
// and never a cloud metadata or link-local address, however it is spelled (IPv4-mapped or NAT64 IPv6,
// a trailing dot). Loopback stays allowed: Ollama, vLLM and LM Studio listen there. Browser-safe.

const METADATA_NAMES = new Set(['metadata.google.internal', 'metadata', 'metadata.goog', 'instance-data', 'instance-data.ec2.internal']);
const METADATA_ADDRESSES = new Set(['100.100.100.200', 'fd00:ec2::254', '192.0.0.192']);

export function upstreamUrlProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be a URL such as https://api.openai.com';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must start with https:// or http://';
  if (url.username || url.password) return 'must not contain credentials';
  if (url.search || url.hash) return 'must not contain a query or fragment';
  const host = url.hostname
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.+$/, '');
  const ipv4 = embeddedIpv4(host) ?? host;
  if (METADATA_NAMES.has(host) || METADATA_ADDRESSES.has(ipv4) || /^169\.254\./.test(ipv4) || /^fe[89ab][0-9a-f]:/.test(host)) {
    return 'must not point at a link-local or cloud metadata address';
  }
  return null;
}

/** The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d) or NAT64 (64:ff9b::) IPv6 address. */
export function embeddedIpv4(host: string): string | null {
  const match = /^(?:::ffff:(?:0:)?|::|64:ff9b::)(?:([0-9a-f]{1,4}):([0-9a-f]{1,4})|(\d+\.\d+\.\d+\.\d+))$/.exec(host);
  if (!match) return null;
  if (match[3]) return match[3];
  const high = parseInt(match[1]!, 16);
  const low = parseInt(match[2]!, 16);
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}
