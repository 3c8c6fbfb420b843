import { describe, expect, it } from 'vitest';
import { embeddedIpv4, upstreamUrlProblem } from './upstream-url.ts';

describe('upstreamUrlProblem', () => {
  it.each([
    'http://169.254.169.254',
    'http://[::ffff:169.254.169.254]',
    'http://[::ffff:a9fe:a9fe]',
    'http://[::ffff:0:a9fe:a9fe]',
    'http://[64:ff9b::a9fe:a9fe]',
    'http://[::169.254.169.254]',
    'http://2852039166',
    'http://0xa9fea9fe',
    'http://169.254.1.1:8080',
    'http://metadata.google.internal',
    'http://metadata.google.internal.',
    'http://METADATA.GOOGLE.INTERNAL/computeMetadata/v1',
    'http://[fe80::1]',
    'http://100.100.100.200',
    'http://[fd00:ec2::254]',
    'http://[::ffff:6464:64c8]',
  ])('refuses the metadata or link-local address %s', (url) => {
    expect(upstreamUrlProblem(url)).toMatch(/link-local or cloud metadata/);
  });

  it.each([
    'http://127.0.0.1:11434',
    'http://localhost:8000',
    'http://[::1]:1234',
    'https://api.openai.com',
    'http://[::ffff:7f00:1]:11434',
    'http://10.0.0.5:8000',
  ])('allows %s (loopback and private hosts serve local models)', (url) => {
    expect(upstreamUrlProblem(url)).toBeNull();
  });

  it('reads the IPv4 address inside IPv6 forms', () => {
    expect(embeddedIpv4('::ffff:a9fe:a9fe')).toBe('169.254.169.254');
    expect(embeddedIpv4('::ffff:169.254.169.254')).toBe('169.254.169.254');
    expect(embeddedIpv4('2001:db8::1')).toBeNull();
  });
});
