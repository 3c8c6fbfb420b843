// A relative time ("in 7 hr") with the exact local time on hover.
import { exactTime, relativeTime } from '../lib/time.ts';
import { useNow } from '../lib/clock.ts';

export function TimeAgo({ value, empty = '—', className }: { value: string | null | undefined; empty?: string; className?: string }) {
  // Subscribed only so the text refreshes when the shared clock ticks.
  useNow((s) => s.now);
  if (!value) return <span className={className ? `muted ${className}` : 'muted'}>{empty}</span>;
  return (
    <time dateTime={value} title={exactTime(value)} className={className}>
      {relativeTime(value, Date.now())}
    </time>
  );
}
