import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createHostCheck } from './host-check.ts';

function request(hosts: string[]): IncomingMessage {
  const rawHeaders = hosts.flatMap((h) => ['Host', h]);
  return { rawHeaders, headers: hosts.length ? { host: hosts.join(', ') } : {} } as unknown as IncomingMessage;
}

describe('host check', () => {
  const check = createHostCheck({ bindHost: '127.0.0.1', allowedHosts: ['proxy.lan'] });

  it('accepts loopback names with and without a port', () => {
    for (const host of ['localhost:8484', '127.0.0.1:8484', '[::1]:8484', 'localhost', 'LOCALHOST:1', 'proxy.lan:8484']) {
      expect(check(request([host])), host).toBe(true);
    }
  });

  it('refuses foreign, empty, missing and doubled Host headers', () => {
    expect(check(request(['evil.example']))).toBe(false);
    expect(check(request(['evil.example:8484']))).toBe(false);
    expect(check(request(['localhost.evil.example']))).toBe(false);
    expect(check(request(['']))).toBe(false);
    expect(check(request([]))).toBe(false);
    expect(check(request(['localhost', 'evil.example']))).toBe(false);
  });

  it('accepts the bind address when listening on a LAN address', () => {
    const lan = createHostCheck({ bindHost: '192.168.1.20', allowedHosts: [] });
    expect(lan(request(['192.168.1.20:8484']))).toBe(true);
    expect(lan(request(['192.168.1.21:8484']))).toBe(false);
  });
});
