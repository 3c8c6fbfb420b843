// The store layer alone: how many requests per second can be authenticated, admitted against a quota
// and counted (batched into SQLite), with and without the validation cache.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { systemClock } from '../main/core/clock.ts';
import { newId } from '../main/core/ids.ts';
import { createSealer } from '../main/core/secrets/sealer.ts';
import { openSqliteStore } from '../main/core/store/sqlite.ts';
import { createTokenHasher, mintToken } from '../main/core/tokens/format.ts';
import { KeyHealth } from '../main/core/proxy/key-selector.ts';
import { TokenGate } from '../main/core/tokens/token-gate.ts';
import { createUsageRecorder } from '../main/core/tokens/usage-recorder.ts';

export async function storeLayerRate(opts: { ttlMs: number; seconds: number }): Promise<number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmp-bench-store-'));
  const store = await openSqliteStore({ file: path.join(dir, 'bench.db') });
  const sealer = createSealer(randomBytes(32));
  const hash = createTokenHasher(randomBytes(32));
  const now = Date.now();
  const projectId = newId(now);
  await store.projects.create({ id: projectId, name: 'bench', provider: 'openai', baseUrl: 'http://127.0.0.1:1', isActive: true, createdAt: now }, [
    {
      id: newId(now),
      projectId,
      label: 'default',
      keySealed: sealer.seal('sk-bench', projectId),
      keyLast4: 'ench',
      weight: 1,
      isEnabled: true,
      createdAt: now,
    },
  ]);
  const minted = mintToken(now);
  await store.tokens.create({
    id: minted.id,
    projectId,
    name: null,
    tokenHash: hash(minted.token),
    tokenLast4: minted.last4,
    expiresAt: now + 3_600_000,
    isActive: true,
    maxRequests: 1_000_000_000,
    allowedModels: ['gpt-4o-mini'],
    createdAt: now,
  });
  const usage = createUsageRecorder({ tokens: store.tokens, flushMs: 250 });
  const keyHealth = new KeyHealth({ cooldownMs: 30_000, authCooldownMs: 300_000, maxCooldownMs: 600_000 });
  const gate = new TokenGate({
    tokens: store.tokens,
    projects: store.projects,
    upstreamKeys: store.upstreamKeys,
    keyHealth,
    sealer,
    hash,
    usage,
    clock: systemClock,
    ttlMs: opts.ttlMs,
  });

  let count = 0;
  const deadline = performance.now() + opts.seconds * 1000;
  while (performance.now() < deadline) {
    for (let i = 0; i < 1000; i++) {
      const auth = await gate.authenticate(minted.token);
      if (!auth.ok || !gate.checkModel(auth.value, 'gpt-4o-mini').ok || !(await gate.claimRequest(auth.value)).ok) throw new Error('refused');
      count++;
    }
  }
  const elapsed = opts.seconds;
  await gate.close();
  await usage.close();
  const row = await store.tokens.get(minted.id);
  if (row?.requestCount !== count) throw new Error(`counted ${row?.requestCount}, admitted ${count}`);
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return count / elapsed;
}
