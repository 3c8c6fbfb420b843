import { describe, expect, it, onTestFinished, vi } from 'vitest';
import type { Clock } from '../clock.ts';
import { sampleKey, sampleProject, T0, tempStore } from '../store/test-support.ts';
import type { UpstreamKeyRepository } from '../store/types.ts';
import { createKeyUsageRecorder } from './key-usage-recorder.ts';

async function storeWithKeys() {
  const store = await tempStore();
  const project = sampleProject();
  const a = sampleKey(project.id, { label: 'a' });
  const b = sampleKey(project.id, { label: 'b' });
  await store.projects.create(project, [a, b]);
  return { store, a: a.id, b: b.id };
}

const HOUR = 3_600_000;

describe('key usage recorder', () => {
  it('sums attempts, failures and tokens per key and adds them on flush', async () => {
    const { store, a, b } = await storeWithKeys();
    let now = T0 + 1000;
    const clock: Clock = { now: () => now };
    const recorder = createKeyUsageRecorder({ keys: store.upstreamKeys, flushMs: HOUR, clock });
    onTestFinished(() => recorder.close());

    recorder.recordAttempt(a, T0 + 10);
    recorder.recordAttempt(a, T0 + 30, { code: 'status_429' });
    recorder.recordAttempt(a, T0 + 20, { code: 'status_500' }); // arrives late: not the newest error
    recorder.recordTokens(a, 10, 20);
    recorder.recordTokens(a, 1, 2);
    recorder.recordAttempt(b, T0 + 5, { code: 'unreachable' });
    recorder.recordTokens('removed-key', 5, 5);
    expect(await store.upstreamKeys.get(a)).toMatchObject({ requestCount: 0 }); // nothing written before a flush

    await recorder.flush();
    expect(await store.upstreamKeys.get(a)).toMatchObject({
      requestCount: 3,
      failureCount: 2,
      promptTokens: 11,
      completionTokens: 22,
      lastUsedAt: T0 + 1000, // the tokens arrived at the clock's time, after the attempts
      lastError: 'status_429',
      lastErrorAt: T0 + 30,
    });
    expect(await store.upstreamKeys.get(b)).toMatchObject({ requestCount: 1, failureCount: 1, promptTokens: 0, lastUsedAt: T0 + 5, lastError: 'unreachable' });

    // The next flush adds only what came since.
    now = T0 + 2000;
    recorder.recordAttempt(a, T0 + 1500);
    await recorder.flush();
    await recorder.flush();
    expect(await store.upstreamKeys.get(a)).toMatchObject({ requestCount: 4, failureCount: 2, lastUsedAt: T0 + 1500, lastError: 'status_429' });
  });

  it('keeps a failed batch and writes it, merged with newer counts, on the next flush', async () => {
    const { store, a } = await storeWithKeys();
    let failNext = true;
    const keys: UpstreamKeyRepository = {
      ...store.upstreamKeys,
      addUsage: async (deltas) => {
        if (failNext) {
          failNext = false;
          throw new Error('database is locked');
        }
        await store.upstreamKeys.addUsage(deltas);
      },
    };
    const errors: unknown[] = [];
    const recorder = createKeyUsageRecorder({ keys, flushMs: HOUR, onError: (err) => errors.push(err) });
    onTestFinished(() => recorder.close());

    recorder.recordAttempt(a, T0 + 10, { code: 'status_503' });
    recorder.recordTokens(a, 3, 4);
    await recorder.flush();
    expect(errors).toHaveLength(1);
    expect(await store.upstreamKeys.get(a)).toMatchObject({ requestCount: 0 });

    recorder.recordAttempt(a, T0 + 5, { code: 'status_401' }); // older than the kept error
    await recorder.flush();
    expect(await store.upstreamKeys.get(a)).toMatchObject({
      requestCount: 2,
      failureCount: 2,
      promptTokens: 3,
      completionTokens: 4,
      lastError: 'status_503',
      lastErrorAt: T0 + 10,
    });
  });

  it('runs one flush at a time', async () => {
    const { store, a } = await storeWithKeys();
    let running = 0;
    let most = 0;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const keys: UpstreamKeyRepository = {
      ...store.upstreamKeys,
      addUsage: async (deltas) => {
        running++;
        most = Math.max(most, running);
        await held; // the first write stays in progress until the test lets it go
        await store.upstreamKeys.addUsage(deltas);
        running--;
      },
    };
    const recorder = createKeyUsageRecorder({ keys, flushMs: HOUR });
    onTestFinished(() => recorder.close());

    recorder.recordAttempt(a, T0);
    const first = recorder.flush();
    recorder.recordAttempt(a, T0 + 1);
    const more = [recorder.flush(), recorder.flush()];
    // A flush running alongside the held one would have entered addUsage by now: every pending
    // promise callback has run before an immediate.
    await new Promise((resolve) => setImmediate(resolve));
    release();
    await Promise.all([first, ...more]);
    expect(most).toBe(1);
    expect(await store.upstreamKeys.get(a)).toMatchObject({ requestCount: 2 });
  });

  it('flushes on its timer, and close() writes what is left', async () => {
    const { store, a, b } = await storeWithKeys();
    const recorder = createKeyUsageRecorder({ keys: store.upstreamKeys, flushMs: 25 });
    recorder.recordAttempt(a, T0);
    await vi.waitFor(async () => expect(await store.upstreamKeys.get(a)).toMatchObject({ requestCount: 1 }), { timeout: 2000, interval: 10 });

    recorder.recordAttempt(b, T0);
    await recorder.close();
    await recorder.close();
    expect(await store.upstreamKeys.get(b)).toMatchObject({ requestCount: 1 });
  });
});
