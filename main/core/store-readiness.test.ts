// /ready tells a store that answers but cannot be written (full disk) from a healthy one. The real app
// keeps its SQLite database on a small tmpfs that the test fills up for real (needs root for `mount`;
// skipped with the reason otherwise); the background-failure rule is checked on its own.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStoreReadiness, WRITE_FAILURE_WINDOW_MS } from './store-readiness.ts';
import { ManualClock, startTestApp, type TestApp } from './testing/test-app.ts';

const mountPoint = fs.mkdtempSync(path.join(os.tmpdir(), 'llmp-tiny-disk-'));
let mounted = false;
let whyNot = '';
try {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', mountPoint], { stdio: 'pipe' });
  mounted = true;
} catch (err) {
  whyNot = String((err as { stderr?: Buffer }).stderr ?? err).trim();
}

afterAll(() => {
  if (mounted) execFileSync('umount', ['-l', mountPoint]);
  fs.rmSync(mountPoint, { recursive: true, force: true });
});

/** Writes zeros into `file` until the file system refuses (ENOSPC). */
function fillDisk(file: string): void {
  const fd = fs.openSync(file, 'w');
  const block = Buffer.alloc(64 * 1024);
  try {
    for (;;) fs.writeSync(fd, block);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    fs.closeSync(fd);
  }
}

describe.skipIf(!mounted)(`/ready on a full disk${mounted ? '' : ` (skipped: cannot mount a tmpfs: ${whyNot})`}`, () => {
  let t: TestApp;
  const clock = new ManualClock();
  beforeAll(async () => {
    t = await startTestApp({ clock, dataDir: path.join(mountPoint, 'data') });
  });
  afterAll(async () => {
    await t?.close();
  });

  async function ready() {
    const res = await fetch(`${t.url}/ready`);
    return { status: res.status, body: (await res.json()) as { status: string; checks: Record<string, string> } };
  }

  it('says write_failing (503) while writes fail and reads still answer, and ok again once there is room', async () => {
    expect(await ready()).toMatchObject({ status: 200, body: { checks: { store: 'ok' } } });
    const filler = path.join(mountPoint, 'filler');
    fillDisk(filler);

    // A project can still be read; a write (a new project) fails for real.
    expect((await t.manage('GET', '/manage/projects')).status).toBe(200);
    const write = await t.manage('POST', '/manage/projects', { name: 'no-room', api_key: 'sk-no-room-0000', base_url: 'http://127.0.0.1:9' });
    expect(write.status).toBeGreaterThanOrEqual(500);
    expect(await ready()).toMatchObject({ status: 503, body: { status: 'not_ready', checks: { store: 'write_failing' } } });

    fs.rmSync(filler);
    // Background writes that failed while the disk was full keep readiness down for a short window.
    clock.advance(WRITE_FAILURE_WINDOW_MS);
    expect(await ready()).toMatchObject({ status: 200, body: { checks: { store: 'ok' } } });
  });
});

describe('background write failures', () => {
  const store = { ping: async () => undefined, info: () => ({ kind: 'postgres' as const, location: 'postgres://db/x', schemaVersion: null }) };

  it('count when they mean the store cannot be written, for a short window; other errors do not', async () => {
    const clock = new ManualClock();
    const readiness = createStoreReadiness({ store, clock });
    readiness.writeFailed(Object.assign(new Error('constraint'), { code: 'SQLITE_CONSTRAINT_UNIQUE' }));
    readiness.writeFailed(new Error('no code'));
    expect(await readiness.check()).toBe('ok');
    readiness.writeFailed(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }));
    expect(await readiness.check()).toBe('write_failing');
    clock.advance(WRITE_FAILURE_WINDOW_MS);
    expect(await readiness.check()).toBe('ok');
    readiness.writeFailed(Object.assign(new Error('could not extend file'), { code: '53100' }));
    expect(await readiness.check()).toBe('write_failing');
  });

  it('says unavailable when the store does not answer at all', async () => {
    const readiness = createStoreReadiness({ store: { ...store, ping: async () => Promise.reject(new Error('down')) }, clock: new ManualClock() });
    expect(await readiness.check()).toBe('unavailable');
  });
});
