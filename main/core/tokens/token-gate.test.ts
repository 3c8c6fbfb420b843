// The gate remembers a validated token under a SHA-256 of the presented text: the keyed HMAC (and the
// store read) happen once per token cache period, a different secret never finds the entry, and a
// revoke drops it at once.
import { afterEach, describe, expect, it } from 'vitest';
import { KeyHealth } from '../proxy/key-selector.ts';
import type { Sealer } from '../secrets/sealer.ts';
import type { SqliteStore } from '../store/sqlite.ts';
import { sampleProject, sampleToken, tempStore, withOneKey } from '../store/test-support.ts';
import { createTokenHasher, mintToken } from './format.ts';
import { TokenGate } from './token-gate.ts';
import { createUsageRecorder } from './usage-recorder.ts';

let store: SqliteStore;
afterEach(() => store?.close());

async function setUp() {
  store = await tempStore();
  const project = await store.projects.create(...withOneKey(sampleProject()));
  const hmac = createTokenHasher(Buffer.alloc(32, 7));
  const minted = mintToken(Date.now());
  const token = await store.tokens.create(sampleToken(project.id, { id: minted.id, tokenHash: hmac(minted.token), expiresAt: Date.now() + 3600_000 }));
  const hashed: string[] = [];
  const clock = { t: Date.now(), now: () => clock.t };
  const sealer = { open: () => 'sk-upstream' } as unknown as Sealer;
  const usage = createUsageRecorder({ tokens: store.tokens, flushMs: 60_000 });
  const gate = new TokenGate({
    tokens: store.tokens,
    projects: store.projects,
    upstreamKeys: store.upstreamKeys,
    keyHealth: new KeyHealth({ cooldownMs: 30_000, authCooldownMs: 300_000, maxCooldownMs: 600_000 }),
    sealer,
    hash: (raw) => {
      hashed.push(raw);
      return hmac(raw);
    },
    usage,
    clock,
    ttlMs: 1_000,
  });
  return { gate, raw: minted.token, token, hashed, clock };
}

describe('token gate: a validated token remembered', () => {
  it('hashes with the HMAC once per cache period, again once it expires', async () => {
    const { gate, raw, hashed, clock } = await setUp();
    for (let i = 0; i < 3; i++) expect((await gate.authenticate(raw)).ok).toBe(true);
    expect(hashed).toHaveLength(1);
    clock.t += 1_000;
    expect((await gate.authenticate(raw)).ok).toBe(true);
    expect(hashed).toHaveLength(2);
  });

  it('never answers a different secret from the entry, even with the same token id', async () => {
    const { gate, raw } = await setUp();
    expect((await gate.authenticate(raw)).ok).toBe(true);
    const forged = raw.slice(0, -1) + (raw.endsWith('A') ? 'B' : 'A');
    expect(await gate.authenticate(forged)).toMatchObject({ ok: false, refusal: 'invalid_api_key' });
  });

  it('drops the entry at once on revoke', async () => {
    const { gate, raw, token, hashed, clock } = await setUp();
    expect((await gate.authenticate(raw)).ok).toBe(true);
    await store.tokens.update(token.id, { isActive: false }, clock.t);
    gate.invalidateToken(token.id);
    expect(await gate.authenticate(raw)).toMatchObject({ ok: false, refusal: 'token_revoked' });
    expect(hashed).toHaveLength(2);
  });
});
