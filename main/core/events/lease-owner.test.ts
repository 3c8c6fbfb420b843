import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { leaseOwner, ownerIsGone } from './lease-owner.ts';

const instance = 'host-1234abcd';

describe('lease owners', () => {
  it('names instance, pid and a unique suffix', () => {
    const a = leaseOwner(instance);
    expect(a.startsWith(`${instance}:${process.pid}:`)).toBe(true);
    expect(leaseOwner(instance)).not.toBe(a);
  });

  it('takes over only from a dead process of the same host and data folder', () => {
    // A pid that certainly ran and ended: a child that has exited.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    expect(ownerIsGone(leaseOwner(instance, dead), instance)).toBe(true);
    // Alive (this very process's parent, or this process), another folder, another host, or garbage: never.
    expect(ownerIsGone(leaseOwner(instance, process.ppid), instance)).toBe(false);
    expect(ownerIsGone(leaseOwner(instance), instance)).toBe(false);
    expect(ownerIsGone(leaseOwner('host-ffffffff', dead), instance)).toBe(false);
    expect(ownerIsGone(`${instance}:not-a-pid:x`, instance)).toBe(false);
    expect(ownerIsGone(`${instance}-other:${dead}:x`, instance)).toBe(false);
  });
});
