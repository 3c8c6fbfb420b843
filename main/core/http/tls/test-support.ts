// Helpers for the HTTPS tests: an openai client and a fetch that trust a given CA (an undici Agent, so
// nothing global changes), the certificate a server presents, and a project + token to call with.
import tls from 'node:tls';
import OpenAI from 'openai';
import { Agent, fetch as undiciFetch } from 'undici';
import type { RunningApp } from '../../app.ts';

export interface TrustingClient {
  openai(token: string): OpenAI;
  fetch(url: string, init?: Parameters<typeof undiciFetch>[1]): ReturnType<typeof undiciFetch>;
  close(): Promise<void>;
}

/** Clients that trust `ca` (PEM) in addition to nothing else: the system roots do not apply. */
export function trustingClient(baseUrl: string, ca: string | string[]): TrustingClient {
  const dispatcher = new Agent({ connect: { ca } });
  const fetchWithCa = ((input: Parameters<typeof undiciFetch>[0], init?: Parameters<typeof undiciFetch>[1]) =>
    undiciFetch(input, { ...init, dispatcher })) as typeof undiciFetch;
  return {
    openai: (token) => new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey: token, maxRetries: 0, fetch: fetchWithCa as unknown as typeof fetch }),
    fetch: (url, init) => fetchWithCa(url, init),
    close: () => dispatcher.close(),
  };
}

/** The leaf certificate a TLS server presents to a new connection (verified against `ca`). */
export async function presentedCertificate(url: string, ca: string | string[]): Promise<tls.PeerCertificate> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = tls.connect(
      { host: hostname.replace(/^\[|\]$/g, ''), port: Number(port), ca, servername: hostname.startsWith('[') || /^\d/.test(hostname) ? undefined : hostname },
      () => {
        const cert = socket.getPeerCertificate();
        socket.end();
        resolve(cert);
      },
    );
    socket.once('error', reject);
  });
}

/** A project pointing at `upstreamUrl` and a token for it, made in process. */
export async function seedToken(app: RunningApp, upstreamUrl: string): Promise<string> {
  const project = await app.call('projects.create', {
    name: `p-${Math.random().toString(36).slice(2, 8)}`,
    api_key: 'sk-upstream-secret-1234',
    base_url: upstreamUrl,
  });
  const created = await app.call('tokens.create', { project_id: project.id, duration_minutes: 60 });
  return created.token;
}
