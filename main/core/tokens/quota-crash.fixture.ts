// Child process for quota-crash.test.ts: the proxy's quota path (authenticate, quota-check, quota-claim)
// on a real store, driven line by line from stdin. Each `go` line is one request, answered on stdout with
// `admitted` or `refused` once the gate decided; `exit` closes everything cleanly.
// Usage: quota-crash.fixture.ts <sqlite file | postgres url> <schema or -> <data key hex> <raw token>
import readline from 'node:readline';
import { systemClock } from '../clock.ts';
import { KeyHealth } from '../proxy/key-selector.ts';
import { createSealer } from '../secrets/sealer.ts';
import { openPostgresStore } from '../store/postgres.ts';
import { openSqliteStore } from '../store/sqlite.ts';
import { createTokenHasher } from './format.ts';
import { TokenGate } from './token-gate.ts';
import { createUsageRecorder } from './usage-recorder.ts';

const [location, schema, dataKeyHex, rawToken] = process.argv.slice(2);
if (!location || !schema || !dataKeyHex || !rawToken) throw new Error('usage: quota-crash.fixture.ts <database> <schema|-> <data key hex> <token>');

const dataKey = Buffer.from(dataKeyHex, 'hex');
const store = location.startsWith('postgres')
  ? await openPostgresStore({ url: location, schema, maxConnections: 4 })
  : await openSqliteStore({ file: location });
const usage = createUsageRecorder({ tokens: store.tokens, flushMs: 250 });
const keyHealth = new KeyHealth({ cooldownMs: 30_000, authCooldownMs: 300_000, maxCooldownMs: 600_000 });
const gate = new TokenGate({
  tokens: store.tokens,
  projects: store.projects,
  upstreamKeys: store.upstreamKeys,
  keyHealth,
  sealer: createSealer(dataKey),
  hash: createTokenHasher(dataKey),
  usage,
  clock: systemClock,
  ttlMs: 1000,
});

async function request(): Promise<'admitted' | 'refused'> {
  const auth = await gate.authenticate(rawToken!);
  if (!auth.ok) throw new Error(`token refused: ${auth.refusal}`);
  if (gate.quotaSpent(auth.value)) return 'refused';
  return (await gate.claimRequest(auth.value)).ok ? 'admitted' : 'refused';
}

const lines = readline.createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (line === 'go') {
    // Requests run concurrently, as on the proxy; each answer is written once decided.
    request().then(
      (answer) => process.stdout.write(`${answer}\n`),
      (err: unknown) => {
        process.stderr.write(`${String(err)}\n`);
        process.exit(1);
      },
    );
  } else if (line === 'exit') {
    lines.close();
    void gate
      .close()
      .then(() => usage.close())
      .then(() => store.close())
      .then(() => process.exit(0));
  }
});
process.stdout.write('ready\n');
