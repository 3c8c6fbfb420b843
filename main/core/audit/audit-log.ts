// The audit trail: append-only rows for every management change and every refused proxy request.
// Management changes are written before the call answers (acknowledged = stored); proxy refusals are
// batched so a flood of bad tokens cannot turn into a flood of synchronous writes.
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

export class AuditLog {
  private queue: AuditRow[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly deps: { repo: AuditRepository; clock: Clock; flushMs: number; onError?: (err: unknown) => void },
  ) {
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

  async flush(): Promise<void> {
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

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
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
