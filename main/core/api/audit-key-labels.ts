// Audit rows about an upstream key name it by label. Successful key changes carry the label in their
// details; rows that carry only the key's id (a refused or failed keys.* call, audited by dispatch before
// any handler could name the key) get the label the key has now, when it still exists.
import type { Store } from '../store/types.ts';
import type { AuditEventView } from './views.ts';

/** The key's id when the event is about an upstream key. */
function keyIdOf(event: AuditEventView): string | null {
  if (!event.target_id) return null;
  if (event.target_type === 'upstream_key' || event.action.startsWith('keys.')) return event.target_id;
  return null;
}

export async function withKeyLabels(events: AuditEventView[], keys: Pick<Store['upstreamKeys'], 'get'>): Promise<AuditEventView[]> {
  const missing = new Set(
    events
      .filter((e) => e.target_label === null)
      .map(keyIdOf)
      .filter((id): id is string => id !== null),
  );
  if (missing.size === 0) return events;
  const labels = new Map<string, string>();
  await Promise.all(
    [...missing].map(async (id) => {
      const row = await keys.get(id).catch(() => null);
      if (row) labels.set(id, row.label);
    }),
  );
  return events.map((event) => {
    const id = keyIdOf(event);
    const label = id && event.target_label === null ? labels.get(id) : undefined;
    return label === undefined ? event : { ...event, target_type: event.target_type ?? 'upstream_key', target_label: label };
  });
}
