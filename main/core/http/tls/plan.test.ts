import { describe, expect, it } from 'vitest';
import { AppError } from '../../errors.ts';
import { certificateNames, isLoopbackHost } from './names.ts';
import { planTls, refuseInsecureBind, type TlsSettings } from './plan.ts';
import { renewalTime } from './runtime.ts';

const base: TlsSettings = {
  host: '127.0.0.1',
  port: 8484,
  dataDir: '/data',
  allowedHosts: [],
  tlsCert: undefined,
  tlsKey: undefined,
  tlsSelfSigned: false,
  acmeDomain: undefined,
  acmeEmail: undefined,
  acmeDirectory: 'https://acme.example/directory',
  httpRedirectPort: undefined,
  allowInsecureLan: false,
};

function planError(overrides: Partial<TlsSettings>): AppError {
  try {
    const settings = { ...base, ...overrides };
    refuseInsecureBind(settings, planTls(settings));
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
  throw new Error('expected an error');
}

describe('planTls', () => {
  it('picks one mode; ACME listens for challenges on port 80 unless told another port', () => {
    expect(planTls(base)).toEqual({ mode: 'off' });
    expect(planTls({ ...base, tlsCert: '/c.pem', tlsKey: '/k.pem' })).toEqual({
      mode: 'files',
      certFile: '/c.pem',
      keyFile: '/k.pem',
      redirectPort: undefined,
    });
    expect(planTls({ ...base, tlsSelfSigned: true })).toMatchObject({ mode: 'local_ca', dir: '/data/tls', names: ['localhost', '127.0.0.1', '::1'] });
    expect(planTls({ ...base, acmeDomain: 'proxy.example.com', acmeEmail: 'ops@example.com' })).toEqual({
      mode: 'acme',
      dir: '/data/tls/acme',
      domain: 'proxy.example.com',
      email: 'ops@example.com',
      directoryUrl: 'https://acme.example/directory',
      redirectPort: 80,
    });
    expect(planTls({ ...base, acmeDomain: 'proxy.example.com', httpRedirectPort: 8080 })).toMatchObject({ redirectPort: 8080 });
  });

  it('names the settings that conflict', () => {
    expect(planError({ tlsCert: '/c.pem' }).message).toContain('--tls-cert and --tls-key go together');
    expect(planError({ tlsSelfSigned: true, tlsCert: '/c', tlsKey: '/k' }).message).toBe(
      'Choose one way to serve HTTPS, not --tls-cert/--tls-key and --tls-self-signed',
    );
    expect(planError({ httpRedirectPort: 8080 }).message).toContain('--http-redirect-port redirects to HTTPS, which is off');
    expect(planError({ tlsSelfSigned: true, httpRedirectPort: 8484 }).code).toBe('config_invalid');
  });

  it('refuses a non-loopback bind without HTTPS unless --allow-insecure-lan', () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.20', 'proxy.lan']) expect(planError({ host }).code).toBe('insecure_bind');
    expect(() => refuseInsecureBind({ host: '0.0.0.0', allowInsecureLan: true }, { mode: 'off' })).not.toThrow();
    expect(() =>
      refuseInsecureBind({ host: '0.0.0.0', allowInsecureLan: false }, { mode: 'files', certFile: '', keyFile: '', redirectPort: undefined }),
    ).not.toThrow();
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1']) expect(isLoopbackHost(host)).toBe(true);
  });
});

describe('certificateNames', () => {
  const machine = {
    hostname: 'Laptop',
    interfaces: {
      lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true } as never],
      en0: [
        { address: '192.168.1.20', family: 'IPv4', internal: false } as never,
        { address: 'fe80::1', family: 'IPv6', internal: false } as never,
        { address: '2001:db8::20', family: 'IPv6', internal: false } as never,
      ],
    },
  };

  it('covers loopback only when bound to loopback, plus allowed hosts', () => {
    expect(certificateNames('127.0.0.1', ['proxy.test', '*.bad name'], machine)).toEqual(['localhost', '127.0.0.1', '::1', 'proxy.test']);
  });

  it('adds the host name, its .local name and the LAN addresses (no link-local) when bound beyond loopback', () => {
    expect(certificateNames('0.0.0.0', [], machine)).toEqual(['localhost', '127.0.0.1', '::1', 'laptop', 'laptop.local', '192.168.1.20', '2001:db8::20']);
    expect(certificateNames('10.0.0.5', ['[2001:db8::20]'], machine)).toEqual([
      'localhost',
      '127.0.0.1',
      '::1',
      'laptop',
      'laptop.local',
      '192.168.1.20',
      '2001:db8::20',
      '10.0.0.5',
    ]);
  });
});

describe('renewalTime', () => {
  it('renews with a third of the lifetime left, at most 30 days early', () => {
    const day = 86_400_000;
    const notBefore = new Date(0);
    expect(renewalTime({ notBefore, notAfter: new Date(90 * day) })).toBe(60 * day);
    expect(renewalTime({ notBefore, notAfter: new Date(6 * day) })).toBe(4 * day);
    expect(renewalTime({ notBefore, notAfter: new Date(397 * day) })).toBe(367 * day);
  });
});
