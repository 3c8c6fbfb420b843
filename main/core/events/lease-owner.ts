// Who holds an outbox cursor's lease: `<instance>:<pid>:<uuid>`, where the instance names the host and
// data folder. A lease left behind by a process of this same host and folder that no longer runs (a
// crash, kill -9) can be taken at once instead of after it expires; any other lease is waited out.
import { randomUUID } from 'node:crypto';

export function leaseOwner(instance: string, pid = process.pid): string {
  return `${instance}:${pid}:${randomUUID()}`;
}

/**
 * True when `owner` was written by a process of `instance` (same host and data folder) other than
 * this one, and no process with its pid runs any more. A reused pid reads as alive: the lease is then
 * waited out, never taken from a live holder.
 */
export function ownerIsGone(owner: string, instance: string, isAlive: (pid: number) => boolean = pidAlive): boolean {
  if (!owner.startsWith(`${instance}:`)) return false;
  const pid = Number(owner.slice(instance.length + 1).split(':')[0]);
  if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid) return false;
  return !isAlive(pid);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it runs, under another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
