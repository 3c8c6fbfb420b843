// At least once across a Redis that loses its data (a restart without persistence, FLUSHALL, failover to
// an empty replica). The outbox's cursor moves once an event is in the stream, so the publisher keeps
// what it published until every consumer group has acknowledged it, and notices a loss through an epoch
// key that lives and dies with the stream: a new epoch means the stream is new, and what was not yet
// acknowledged is published again (consumers may see it twice, never zero times).
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/** Published entries kept for a replay, at most (the oldest go first; counted in `dropped`). */
const MAX_KEPT = 50_000;
/** How often the groups' progress is read to forget what every group has acknowledged. */
const CONFIRM_EVERY_MS = 1000;

export function epochKey(streamKey: string): string {
  return `${streamKey}:epoch`;
}

interface Kept {
  id: string;
  payload: string;
}

export class StreamReplay {
  private kept: Kept[] = [];
  private epoch: string | null = null;
  private confirmedAt = 0;
  /** Entries forgotten unconfirmed because more than MAX_KEPT waited (a consumer far behind). */
  dropped = 0;

  constructor(
    private readonly client: Redis,
    private readonly key: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** Adds the epoch check to a publishing transaction: SET NX a fresh candidate, then GET the one in force. */
  checkEpoch(multi: ReturnType<Redis['multi']>): void {
    multi.set(epochKey(this.key), randomUUID(), 'NX');
    multi.get(epochKey(this.key));
  }

  /**
   * After a transaction: `epoch` is what GET answered, `published` the entries it added. Returns what to
   * publish again (the stream is new and these were not acknowledged), oldest first.
   */
  afterPublish(epoch: string | null, published: Kept[]): string[] {
    const lost = this.epoch !== null && epoch !== this.epoch;
    this.epoch = epoch;
    const again = lost ? this.kept.map((k) => k.payload) : [];
    if (lost) this.kept = [];
    this.kept.push(...published);
    if (this.kept.length > MAX_KEPT) {
      this.dropped += this.kept.length - MAX_KEPT;
      this.kept.splice(0, this.kept.length - MAX_KEPT);
    }
    return again;
  }

  /** Forgets what every consumer group has acknowledged (at most once a second). */
  async forgetConfirmed(force = false): Promise<void> {
    if (this.kept.length === 0 || (!force && this.now() - this.confirmedAt < CONFIRM_EVERY_MS)) return;
    this.confirmedAt = this.now();
    const frontier = await this.confirmedUpTo();
    if (frontier === undefined) return;
    this.kept = frontier === null ? [] : this.kept.filter((k) => compareIds(k.id, frontier) > 0);
  }

  size(): number {
    return this.kept.length;
  }

  /**
   * The highest id every group has acknowledged, with everything before it: the smallest over the groups
   * of (their oldest pending entry, exclusive) or their last delivered id. null: no group reads the
   * stream (nobody is owed anything); undefined: unknown (keep everything).
   */
  private async confirmedUpTo(): Promise<string | null | undefined> {
    const groups = (await this.client.xinfo('GROUPS', this.key).catch(() => undefined)) as unknown[][] | undefined;
    if (!groups) return undefined;
    if (groups.length === 0) return null;
    let frontier: string | null = null;
    for (const flat of groups) {
      const g = toRecord(flat);
      let upTo = String(g['last-delivered-id'] ?? '0-0');
      if (Number(g.pending ?? 0) > 0) {
        const summary = (await this.client.xpending(this.key, String(g.name)).catch(() => undefined)) as [number, string | null] | undefined;
        if (!summary?.[1]) return undefined;
        upTo = previousId(summary[1]);
      }
      if (frontier === null || compareIds(upTo, frontier) < 0) frontier = upTo;
    }
    return frontier;
  }
}

function toRecord(flat: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[String(flat[i])] = flat[i + 1];
  return out;
}

/** Stream ids `ms-seq`, compared as numbers. */
export function compareIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(BigInt) as [bigint, bigint];
  const [bm, bs] = b.split('-').map(BigInt) as [bigint, bigint];
  if (am !== bm) return am < bm ? -1 : 1;
  return as === bs ? 0 : as < bs ? -1 : 1;
}

function previousId(id: string): string {
  const [ms, seq] = id.split('-').map(BigInt) as [bigint, bigint];
  if (seq > 0n) return `${ms}-${seq - 1n}`;
  return ms > 0n ? `${ms - 1n}-18446744073709551615` : '0-0';
}
