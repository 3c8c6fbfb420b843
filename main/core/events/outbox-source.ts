// The event outbox as a delivery source: a cursor per dispatcher in `event_cursors`, read and moved only by
// the instance holding the cursor's lease (see delivery.ts for the loop that reads it).
import type { Clock } from '../clock.ts';
import type { EventRepository, NewDeadLetter } from '../store/types.ts';
import { DeliveryError, type EventSource, type SourceBatch, type SourcedEvent } from './delivery.ts';
import { ownerIsGone } from './lease-owner.ts';

export interface OutboxLease {
  /** Names this running app in `event_cursors.lease_owner`; unique per process start. */
  owner: string;
  /** How long a claim holds unless renewed; it is renewed (or, in standby, tried) every `leaseMs / 3`. */
  leaseMs: number;
  /** This host and data folder: a lease of a dead process of the same instance is taken at once. */
  instance?: string;
}

/**
 * The outbox as a source: a cursor per dispatcher in `event_cursors`, created at the current end. Only
 * the holder of the cursor's lease reads and moves it; with several instances on one store the others
 * stay in standby, try the lease every `leaseMs / 3`, and take the stored position when they get it.
 */
export class OutboxSource implements EventSource<SourceBatch<SourcedEvent & { seq: number }>> {
  /** The last seq acknowledged: ours while we hold the lease, the stored one (as last seen) in standby. */
  private position = 0;
  /** The last claim said we hold the lease (cleared by a refused claim or acknowledgement). */
  private owned = false;
  /** Our clock's end of the lease we last got; we stop reading after it unless renewed. */
  private validUntil = 0;
  private claiming: Promise<void> | null = null;
  private renewer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly listeners: (() => void)[] = [];

  constructor(
    private readonly repo: EventRepository,
    private readonly dispatcher: string,
    private readonly clock: Clock,
    private readonly lease: OutboxLease,
  ) {}

  async start(): Promise<void> {
    await this.claim();
    this.renewer = setInterval(() => void this.claim().catch(() => undefined), Math.max(1, Math.floor(this.lease.leaseMs / 3)));
    this.renewer.unref();
  }

  standby(): boolean {
    return !this.owned;
  }

  onStandbyChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  async read(limit: number) {
    // Renewals failed for most of the lease (the store refused them): try once more, letting the error show.
    if (this.owned && !this.holds()) await this.claim();
    if (!this.holds()) return null;
    const rows = await this.repo.readAfter(this.position, limit);
    if (rows.length === 0) return null;
    return { events: rows, key: `${this.dispatcher}:${rows[0]!.seq}-${rows.at(-1)!.seq}` };
  }

  async ack(batch: SourceBatch<SourcedEvent & { seq: number }>): Promise<void> {
    const last = batch.events.at(-1)!.seq;
    if (await this.repo.setCursor(this.dispatcher, this.lease.owner, last, this.clock.now())) this.position = Math.max(this.position, last);
    else this.lost();
  }

  async deadLetter(batch: SourceBatch<SourcedEvent & { seq: number }>, rows: NewDeadLetter[]): Promise<void> {
    const last = batch.events.at(-1)!.seq;
    if (!(await this.repo.addDeadLetters(rows, { dispatcher: this.dispatcher, owner: this.lease.owner, position: last, now: this.clock.now() }))) {
      this.lost();
      throw new DeliveryError('lease_lost'); // nothing was stored: the new holder delivers this batch
    }
    this.position = Math.max(this.position, last);
  }

  async lag() {
    const [last, oldestAt] = await Promise.all([this.repo.lastSeq(), this.repo.oldestAfter(this.position)]);
    return { events: Math.max(0, last - this.position), oldestAt };
  }

  /** Lets the lease go (after the loop's last acknowledgement), so another instance takes over at once. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.renewer) clearInterval(this.renewer);
    this.renewer = null;
    await this.claiming?.catch(() => undefined);
    this.owned = false;
    await this.repo.releaseCursor(this.dispatcher, this.lease.owner).catch(() => undefined);
  }

  private holds(): boolean {
    return this.owned && this.clock.now() < this.validUntil;
  }

  /** Takes, renews or tries the lease; one claim at a time. */
  private claim(): Promise<void> {
    this.claiming ??= this.claimOnce().finally(() => {
      this.claiming = null;
    });
    return this.claiming;
  }

  private async claimOnce(): Promise<void> {
    if (this.closed) return;
    const now = this.clock.now();
    let result = await this.repo.claimCursor(this.dispatcher, this.lease.owner, now, this.lease.leaseMs);
    if (!result.owned && this.lease.instance !== undefined && (await this.releaseGoneHolder(this.lease.instance))) {
      result = await this.repo.claimCursor(this.dispatcher, this.lease.owner, now, this.lease.leaseMs);
    }
    if (this.closed) return;
    // The stored position only moves forward and holds every acknowledgement of ours, so the larger of
    // the two is right: the holder's progress after a standby, ours when a claim overtook our last ack.
    if (result.position !== null) this.position = Math.max(this.position, result.position);
    if (result.owned) this.validUntil = now + this.lease.leaseMs;
    if (result.owned !== this.owned) {
      this.owned = result.owned;
      for (const listener of this.listeners) listener();
    }
  }

  /** Frees a lease left by a crashed process of this host and data folder (see ./lease-owner.ts). */
  private async releaseGoneHolder(instance: string): Promise<boolean> {
    const holder = (await this.repo.cursors()).find((c) => c.dispatcher === this.dispatcher)?.leaseOwner;
    if (!holder || !ownerIsGone(holder, instance)) return false;
    await this.repo.releaseCursor(this.dispatcher, holder);
    return true;
  }

  private lost(): void {
    if (!this.owned) return;
    this.owned = false;
    for (const listener of this.listeners) listener();
  }
}
