// The audit trail: append-only rows for every management change and every refused proxy request.
// Management changes are written before the call answers (acknowledged = stored); proxy refusals are
// batched so a flood of bad tokens cannot turn into a flood of synchronous writes; failed sign-ins
// and refused proxy tokens are tallied: one row per source, reason and minute, with a count.
import type { Clock } from '../clock.ts';
import { newId } from '../ids.ts';
import { redact } from '../redact.ts';
import type { AuditOutcome, AuditRepository, AuditRow } from '../store/types.ts';

export interface AuditEntry {
  actor: string;
  action: string;
  outcome: AuditOutcome;
  targetType?: string | null;
  targetId?: string | null;
  projectId?: string | null;
  tokenId?: string | null;
  requestId?: string | null;
  clientIp?: string | null;
  details?: Record<string, unknown>;
}

/** Distinct tallies kept per minute; beyond it, refusals from further sources share one row. */
const MAX_TALLIES_PER_MINUTE = 1000;
const MINUTE_MS = 60_000;

interface Tally {
  entry: AuditEntry;
  count: number;
}

export class AuditLog {
  private queue: AuditRow[] = [];
  private tallies = new Map<string, Tally>();
  private tallyMinute = -1;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly deps: { repo: AuditRepository; clock: Clock; flushMs: number; onError?: (err: unknown) => void }) {
    this.timer = setInterval(() => void this.flush(), deps.flushMs);
    this.timer.unref();
  }

  /** Writes now; resolves once the row is stored. */
  async record(entry: AuditEntry): Promise<AuditRow> {
    const row = this.toRow(entry);
    await this.deps.repo.append([row]);
    return row;
  }

  /** Queues for the next batch (hot path). */
  recordLater(entry: AuditEntry): void {
    this.queue.push(this.toRow(entry));
  }

  /**
   * Counts a refusal that a flood could repeat (a wrong management token, an unknown proxy token): the
   * first one per actor, source and reason in a minute is written at once (count 1), the rest of that
   * minute as one more row with their count when the minute is over — at most two rows, however many.
   */
  tally(entry: AuditEntry): void {
    const minute = Math.floor(this.deps.clock.now() / MINUTE_MS) * MINUTE_MS;
    if (minute !== this.tallyMinute) this.closeTallies(minute);
    const reason = String(entry.details?.['reason'] ?? '');
    let key = [entry.action, entry.actor, entry.clientIp ?? '', reason].join('\n');
    if (!this.tallies.has(key) && this.tallies.size >= MAX_TALLIES_PER_MINUTE) {
      key = [entry.action, 'overflow', reason].join('\n');
      entry = {
        ...entry,
        actor: entry.actor.startsWith('token:') ? 'anonymous' : entry.actor,
        clientIp: null,
        tokenId: null,
        projectId: null,
        details: { ...entry.details, sources: 'many' },
      };
    }
    const tally = this.tallies.get(key);
    if (tally) {
      tally.count++;
      return;
    }
    this.tallies.set(key, { entry: { ...entry, requestId: null }, count: 0 });
    this.queue.push(this.tallyRow(entry, 1, minute));
  }

  /** Moves the counts of a minute that is over (or all, at close) into the write queue. */
  private closeTallies(nextMinute: number): void {
    for (const { entry, count } of this.tallies.values()) if (count > 0) this.queue.push(this.tallyRow(entry, count, this.tallyMinute));
    this.tallies.clear();
    this.tallyMinute = nextMinute;
  }

  private tallyRow(entry: AuditEntry, count: number, minute: number): AuditRow {
    return this.toRow({ ...entry, details: { ...entry.details, count, from: new Date(minute).toISOString(), to: new Date(minute + MINUTE_MS).toISOString() } });
  }

  async flush(): Promise<void> {
    if (this.tallies.size > 0 && this.deps.clock.now() >= this.tallyMinute + MINUTE_MS) this.closeTallies(-1);
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    try {
      await this.deps.repo.append(batch);
    } catch (err) {
      this.queue.unshift(...batch);
      this.deps.onError?.(err);
    }
  }

  /** Writes what is queued and the tallies of the minute so far (tests, shutdown). */
  async flushAll(): Promise<void> {
    if (this.tallies.size > 0) this.closeTallies(-1);
    await this.flush();
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flushAll();
  }

  private toRow(entry: AuditEntry): AuditRow {
    const time = this.deps.clock.now();
    return {
      id: newId(time),
      time,
      actor: entry.actor,
      action: entry.action,
      outcome: entry.outcome,
      targetType: entry.targetType ?? null,
      targetId: entry.targetId ?? null,
      projectId: entry.projectId ?? null,
      tokenId: entry.tokenId ?? null,
      requestId: entry.requestId ?? null,
      clientIp: entry.clientIp ?? null,
      details: redact(entry.details ?? {}),
    };
  }
}
