// How the Keys dialog words a key: its state, its share of traffic, why it cannot be removed.
import type { UpstreamKeyView } from '../../../main/core/api/views.ts';
import { clockTime } from './time.ts';

/** "Healthy", "Cooling down until 14:03:10", or null for a disabled key (its badge says so). */
export function healthText(key: Pick<UpstreamKeyView, 'health' | 'cooling_down_until'>): string | null {
  if (key.health === 'disabled') return null;
  if (key.health === 'cooling_down' && key.cooling_down_until) return `Cooling down until ${clockTime(key.cooling_down_until)}`;
  return 'Healthy';
}

/** Share of the project's requests a key gets (0 when disabled), e.g. 0.75. */
export function trafficShare(
  key: Pick<UpstreamKeyView, 'id' | 'weight' | 'is_enabled'>,
  keys: Pick<UpstreamKeyView, 'id' | 'weight' | 'is_enabled'>[],
): number {
  if (!key.is_enabled) return 0;
  const total = keys.filter((k) => k.is_enabled).reduce((sum, k) => sum + k.weight, 0);
  return total ? key.weight / total : 0;
}

/** Why a key may not be removed or disabled (a project keeps one enabled key), or null when it may. */
export function keepReason(
  key: Pick<UpstreamKeyView, 'id' | 'is_enabled'>,
  keys: Pick<UpstreamKeyView, 'id' | 'is_enabled'>[],
  what: 'remove' | 'disable',
): string | null {
  if (what === 'remove' && keys.length <= 1) return 'The last key cannot be removed: add another key first.';
  if (key.is_enabled && !keys.some((k) => k.id !== key.id && k.is_enabled))
    return `The only enabled key cannot be ${what === 'remove' ? 'removed' : 'disabled'}: add or enable another key first.`;
  return null;
}

const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });

/** 1234 → "1.2K". */
export function compactNumber(n: number): string {
  return compact.format(n);
}
